variable "port_base_url" { type = string }
variable "desks" { type = string }
variable "requests" { type = string }
variable "port_timeout" {
  type    = string
  default = "5s"
}
variable "check_schema" {
  type    = bool
  default = null
}
variable "delete_dependents" {
  type    = bool
  default = false
}
# A fake JSM feeds a third sync when its URL is set (the property test).
variable "jsm_base_url" {
  type    = string
  default = ""
}
variable "jsm_api_token" {
  type      = string
  default   = ""
  sensitive = true
}

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
    max_retries   = 1
    timeout       = var.port_timeout
  }
  jsm = var.jsm_base_url == "" ? null : {
    base_url       = var.jsm_base_url
    username       = "agent@example.com"
    api_token      = var.jsm_api_token
    page_size      = 4
    concurrency    = 2
    max_retries    = 1
    max_list_reads = 4
  }
}

resource "portjsm_entities" "desks" {
  blueprint          = "desk"
  entities_json      = var.desks
  deletion_threshold = 1
  delete_dependents  = var.delete_dependents
  check_schema       = var.check_schema
}

resource "portjsm_entities" "requests" {
  blueprint          = "request"
  entities_json      = var.requests
  deletion_threshold = 1
  check_schema       = var.check_schema
  depends_on         = [portjsm_entities.desks]
}

data "portjsm_customer_requests" "jsm" {
  count = var.jsm_base_url == "" ? 0 : 1
  mapping = {
    identifier = ".issueId | tostring"
    title      = ".issueKey"
    properties = { status = ".currentStatus.status" }
  }
}

resource "portjsm_entities" "jsm" {
  count              = var.jsm_base_url == "" ? 0 : 1
  blueprint          = "jsmRequest"
  entities_json      = data.portjsm_customer_requests.jsm[0].entities_json
  deletion_threshold = 1
}
