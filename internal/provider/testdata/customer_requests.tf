variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "service_desk_id" { type = string }
variable "request_type_id" { type = string }
variable "organization_id" { type = string }
variable "search_term" { type = string }

provider "portjsm" {
  jsm = {
    base_url    = var.jsm_base_url
    username    = "agent@example.com"
    api_token   = var.jsm_api_token
    page_size   = 50
    concurrency = 4
  }
}

data "portjsm_customer_requests" "all" {}

data "portjsm_customer_requests" "by_desk" {
  service_desk_id = var.service_desk_id
}

data "portjsm_customer_requests" "by_type" {
  service_desk_id = var.service_desk_id
  request_type_id = var.request_type_id
}

data "portjsm_customer_requests" "closed" {
  request_status = "CLOSED_REQUESTS"
}

data "portjsm_customer_requests" "open" {
  request_status = "OPEN_REQUESTS"
}

data "portjsm_customer_requests" "owned_or_participated" {
  request_ownership = ["OWNED_REQUESTS", "PARTICIPATED_REQUESTS"]
}

data "portjsm_customer_requests" "organization" {
  request_ownership = ["ORGANIZATION"]
  organization_id   = var.organization_id
}

data "portjsm_customer_requests" "pending_approval" {
  request_ownership = ["APPROVER"]
  approval_status   = "MY_PENDING_APPROVAL"
}

data "portjsm_customer_requests" "search" {
  search_term = var.search_term
}

data "portjsm_customer_requests" "expanded" {
  service_desk_id = var.service_desk_id
  expand          = ["serviceDesk", "requestType"]
}

data "portjsm_customer_requests" "first_seven" {
  max_items = 7
}
