# The seed scenario with the seed mappings written as HCL for expressions
# over the raw items. JQ's `a // b` is "a unless null or false".

data "portjsm_service_desks" "all" {}

data "portjsm_customer_requests" "all" {
  max_items = var.max_requests
}

data "portjsm_organizations" "all" {}

locals {
  service_desks = {
    for sd in jsondecode(data.portjsm_service_desks.all.items_json) : tostring(sd.id) => {
      title = try(sd.projectName, null) != null ? sd.projectName : (try(sd.projectKey, null) != null ? sd.projectKey : sd.id)
      properties = {
        projectId   = tostring(sd.projectId)
        projectKey  = try(sd.projectKey, null)
        projectName = try(sd.projectName, null)
      }
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
        secret    = null
      }
      relations = { serviceDesk = tostring(r.serviceDeskId) }
    }
  }
  organizations = {
    for o in jsondecode(data.portjsm_organizations.all.items_json) : tostring(o.id) => {
      title      = o.name
      properties = { name = o.name, scimManaged = try(o.scimManaged, null) }
    }
  }
}

resource "portjsm_entities" "service_desks" {
  blueprint     = portjsm_blueprint.service_desk.identifier
  entities_json = jsonencode(local.service_desks)
}

resource "portjsm_entities" "customer_requests" {
  blueprint          = portjsm_blueprint.customer_request.identifier
  entities_json      = jsonencode(local.customer_requests)
  deletion_threshold = var.deletion_threshold
  depends_on         = [portjsm_entities.service_desks]
}

resource "portjsm_entities" "organizations" {
  blueprint     = portjsm_blueprint.organization.identifier
  entities_json = jsonencode(local.organizations)
}
