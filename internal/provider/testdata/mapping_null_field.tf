variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "status_expression" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
  }
}

data "portjsm_customer_requests" "all" {
  mapping = {
    identifier = ".issueId | tostring"
    title      = ".issueKey"
    properties = {
      issueKey = ".issueKey"
      status   = var.status_expression
    }
  }
}

output "entities" {
  value = length(jsondecode(data.portjsm_customer_requests.all.entities_json))
}
