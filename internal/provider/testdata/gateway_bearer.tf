variable "jsm_base_url" { type = string }
variable "jsm_access_token" {
  type      = string
  sensitive = true
}

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    auth_type = "bearer"
    api_token = var.jsm_access_token
    page_size = 25
  }
}

data "portjsm_customer_requests" "desk" {
  service_desk_id = "2"
}

data "portjsm_service_desks" "all" {}
