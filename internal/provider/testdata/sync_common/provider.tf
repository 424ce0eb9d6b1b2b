variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "port_base_url" { type = string }
variable "max_requests" {
  type    = number
  default = null
}
variable "deletion_threshold" {
  type    = number
  default = 0.9
}

provider "portjsm" {
  jsm = {
    base_url    = var.jsm_base_url
    username    = "agent@example.com"
    api_token   = var.jsm_api_token
    max_retries = 1
  }
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
    max_retries   = 1
  }
}
