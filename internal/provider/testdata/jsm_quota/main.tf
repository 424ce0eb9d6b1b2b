# A scheduled sync of customer requests read by an OAuth 2.0 app through the
# api.atlassian.com gateway, which Atlassian's hourly points quota charges.
variable "jsm_base_url" { type = string }
variable "jsm_access_token" {
  type      = string
  sensitive = true
}
variable "port_base_url" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    auth_type = "bearer"
    api_token = var.jsm_access_token
  }
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

data "portjsm_customer_requests" "all" {
  mapping = {
    identifier = ".issueId | tostring"
    title      = ".issueKey"
  }
}

resource "portjsm_entities" "requests" {
  blueprint          = "jsmRequest"
  entities_json      = data.portjsm_customer_requests.all.entities_json
  deletion_threshold = 1
}
