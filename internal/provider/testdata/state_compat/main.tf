# A configuration that touches every resource, data source and function,
# with the entity shapes a user writes by hand (no relations, an empty
# title, a team as a string, whole floats, an empty many relation). Its
# state in terraform.tfstate and Port's contents in port.json were written
# by the release named in README.md; the provider must plan no changes
# against them.
variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }
variable "port_base_url" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
  }
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

resource "portjsm_blueprint" "desk" {
  identifier = "jsmServiceDesk"
  title      = "JSM Service Desk"
  icon       = "Jira"
  schema = {
    properties = {
      projectKey  = { type = "string", title = "Project key" }
      projectName = { type = "string" }
    }
  }
}

resource "portjsm_blueprint" "request" {
  identifier = "jsmCustomerRequest"
  title      = "JSM Customer Request"
  schema = {
    properties = {
      issueKey = { type = "string" }
      status   = { type = "string" }
      size     = { type = "number" }
      tags     = { type = "array", items = { type = "string" } }
    }
    required = []
  }
  relations = {
    serviceDesk = { target = portjsm_blueprint.desk.identifier, required = false }
    watchers    = { target = portjsm_blueprint.desk.identifier, many = true }
  }
  calculation_properties = {
    label = { title = "Label", calculation = ".identifier + \"-\" + .title", type = "string" }
  }
}

data "portjsm_service_desks" "all" {
  mapping = {
    identifier = ".id | tostring"
    title      = ".projectName"
    properties = {
      projectKey  = ".projectKey"
      projectName = ".projectName"
    }
  }
}

data "portjsm_customer_requests" "all" {
  mapping = {
    identifier = ".issueId | tostring"
    title      = ".issueKey"
    properties = {
      issueKey = ".issueKey"
      status   = ".currentStatus.status"
    }
    relations = {
      serviceDesk = ".serviceDeskId | tostring"
    }
  }
}

resource "portjsm_entities" "desks" {
  blueprint     = portjsm_blueprint.desk.identifier
  entities_json = data.portjsm_service_desks.all.entities_json
}

resource "portjsm_entities" "requests" {
  blueprint     = portjsm_blueprint.request.identifier
  entities_json = data.portjsm_customer_requests.all.entities_json
  depends_on    = [portjsm_entities.desks]
}

resource "portjsm_entities" "by_hand" {
  blueprint = portjsm_blueprint.request.identifier
  entities_json = jsonencode({
    "manual-1" = { title = "", properties = { size = 1.0, tags = [] } }
    "manual-2" = { title = "Two", team = "platform", properties = { size = 2.5 }, relations = { watchers = [] } }
    "manual-3" = { icon = "Jira", relations = { serviceDesk = null } }
  })
  depends_on = [portjsm_entities.desks]
}

resource "portjsm_entity" "pinned" {
  blueprint  = portjsm_blueprint.request.identifier
  identifier = "pinned"
  title      = "Pinned"
  properties = { status = "Open", size = 3, tags = ["a", "b"] }
  relations  = { watchers = [] }
}

output "desk_count" {
  value = provider::portjsm::jq(jsondecode(data.portjsm_service_desks.all.entities_json), "keys | length")
}
