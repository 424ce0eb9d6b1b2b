# The same sync as ../jsm-to-port, with its mappings written as HCL for
# expressions over the raw JSM items instead of JQ. Both produce the same
# entities.

terraform {
  required_providers {
    portjsm = { source = "portjsm/portjsm" }
  }
}

provider "portjsm" {}

module "blueprints" {
  source = "../jsm-to-port-blueprints"
}

data "portjsm_service_desks" "all" {}
# Without a mapping the data source returns each request twice: as JSM sent
# it (items_json) and as a typed list (requests), whose summary comes from
# the request's summary field and whose created_at is RFC 3339.
data "portjsm_customer_requests" "all" {}
data "portjsm_organizations" "all" {}

locals {
  # JQ's `a // b` is "a unless it is null or false".
  service_desks = {
    for sd in jsondecode(data.portjsm_service_desks.all.items_json) : tostring(sd.id) => {
      title = try(sd.projectName, null) != null ? sd.projectName : (try(sd.projectKey, null) != null ? sd.projectKey : sd.id)
      properties = {
        projectId   = tostring(sd.projectId)
        projectKey  = try(sd.projectKey, null)
        projectName = try(sd.projectName, null)
      }
      relations = {}
    }
  }
  customer_requests = {
    for r in data.portjsm_customer_requests.all.requests : r.issue_id => {
      title = r.summary != "" ? r.summary : r.issue_key
      properties = {
        issueKey  = r.issue_key
        summary   = r.summary != "" ? r.summary : null
        status    = r.status
        createdAt = r.created_at
      }
      relations = { serviceDesk = r.service_desk_id }
    }
  }
  organizations = {
    for o in jsondecode(data.portjsm_organizations.all.items_json) : tostring(o.id) => {
      title      = o.name
      properties = { name = o.name, scimManaged = try(o.scimManaged, null) }
      relations  = {}
    }
  }
}

resource "portjsm_entities" "service_desks" {
  blueprint     = module.blueprints.service_desk
  entities_json = jsonencode(local.service_desks)
}

resource "portjsm_entities" "customer_requests" {
  blueprint     = module.blueprints.customer_request
  entities_json = jsonencode(local.customer_requests)
  depends_on    = [portjsm_entities.service_desks]
}

resource "portjsm_entities" "organizations" {
  blueprint     = module.blueprints.organization
  entities_json = jsonencode(local.organizations)
}
