variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "expression" { type = string }
variable "total_timeout" { type = string }

provider "portjsm" {
  jsm = {
    base_url    = var.jsm_base_url
    username    = "agent@example.com"
    api_token   = var.jsm_api_token
    concurrency = 1
  }
  jq = {
    total_timeout = var.total_timeout
  }
}

data "portjsm_customer_requests" "all" {
  mapping = {
    identifier = ".issueId"
    title      = ".summary"
    properties = { value = var.expression }
  }
}
