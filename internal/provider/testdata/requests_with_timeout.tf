variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "max_retries" { type = number }
variable "timeout" { type = string }

provider "portjsm" {
  jsm = {
    base_url    = var.jsm_base_url
    username    = "agent@example.com"
    api_token   = var.jsm_api_token
    max_retries = var.max_retries
    timeout     = var.timeout
  }
}

data "portjsm_customer_requests" "all" {}
