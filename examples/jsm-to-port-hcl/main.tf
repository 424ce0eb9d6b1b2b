# The same sync as ../jsm-to-port, with the seed mappings written as HCL for
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
    for r in jsondecode(data.portjsm_customer_requests.all.items_json) : tostring(r.issueId) => {
      title = try(r.summary, null) != null ? r.summary : r.issueKey
      properties = {
        issueKey  = r.issueKey
        summary   = try(r.summary, null)
        status    = r.currentStatus.status
        createdAt = r.createdDate.iso8601
      }
      relations = { serviceDesk = tostring(r.serviceDeskId) }
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
