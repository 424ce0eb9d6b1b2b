variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
    page_size = 2
  }
}

data "portjsm_service_desks" "all" {}

data "portjsm_service_desks" "first" {
  max_items = 1
}
