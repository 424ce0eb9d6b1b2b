variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "service_desk_id" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
    page_size = 2
  }
}

data "portjsm_records" "queues" {
  path = "/servicedesk/${var.service_desk_id}/queue"
}

data "portjsm_records" "request_types" {
  path      = "/rest/servicedeskapi/servicedesk/${var.service_desk_id}/requesttype"
  max_items = 3
}

data "portjsm_records" "customers" {
  path         = "/servicedesk/${var.service_desk_id}/customer"
  experimental = true
}

data "portjsm_records" "desk" {
  path      = "/servicedesk/${var.service_desk_id}"
  data_path = "."
}

data "portjsm_records" "closed_requests" {
  path  = "/request"
  query = { requestStatus = "CLOSED_REQUESTS" }
}
