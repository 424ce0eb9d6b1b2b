variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "identifier" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
  }
}

data "portjsm_records" "queues" {
  path = "/servicedesk/1/queue"
  mapping = {
    selector   = ".name != null"
    identifier = var.identifier
    title      = ".name"
    team       = "\"it-support\""
    properties = { jql = ".jql", fields = ".fields" }
    relations  = { serviceDesk = "\"1\"" }
  }
}
