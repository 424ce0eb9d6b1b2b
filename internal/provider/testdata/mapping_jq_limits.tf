variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "expression" { type = string }
variable "item_timeout" { type = string }
variable "max_memory_mib" { type = number }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
  }
  jq = {
    item_timeout   = var.item_timeout
    max_memory_mib = var.max_memory_mib
  }
}

data "portjsm_service_desks" "all" {
  mapping = {
    identifier = ".id"
    title      = ".projectName"
    properties = { key = ".projectKey", runaway = var.expression }
  }
}
