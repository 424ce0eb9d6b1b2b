variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "service_desk_id" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
    page_size = 4
  }
}

data "portjsm_organizations" "all" {}

data "portjsm_organizations" "desk" {
  service_desk_id = var.service_desk_id
}

data "portjsm_organizations" "two" {
  max_items = 2
}
