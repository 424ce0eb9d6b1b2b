# The seed scenario with the seed's JQ mappings verbatim, plus one property
# that tries to read the environment.

data "portjsm_service_desks" "all" {
  mapping = {
    identifier = ".id | tostring"
    title      = ".projectName // .projectKey // .id"
    properties = {
      projectId   = ".projectId | tostring"
      projectKey  = ".projectKey"
      projectName = ".projectName"
    }
  }
}

data "portjsm_customer_requests" "all" {
  max_items = var.max_requests
  mapping = {
    identifier = ".issueId | tostring"
    title      = ".summary // .issueKey"
    properties = {
      issueKey  = ".issueKey"
      summary   = ".summary"
      status    = ".currentStatus.status"
      createdAt = ".createdDate.iso8601"
      secret    = "$ENV.PORT_CLIENT_SECRET // env.PORT_CLIENT_SECRET"
    }
    relations = {
      serviceDesk = ".serviceDeskId | tostring"
    }
  }
}

data "portjsm_organizations" "all" {
  mapping = {
    identifier = ".id | tostring"
    title      = ".name"
    properties = {
      name        = ".name"
      scimManaged = ".scimManaged"
    }
  }
}

resource "portjsm_entities" "service_desks" {
  blueprint     = portjsm_blueprint.service_desk.identifier
  entities_json = data.portjsm_service_desks.all.entities_json
}

resource "portjsm_entities" "customer_requests" {
  blueprint          = portjsm_blueprint.customer_request.identifier
  entities_json      = data.portjsm_customer_requests.all.entities_json
  deletion_threshold = var.deletion_threshold
  depends_on         = [portjsm_entities.service_desks]
}

resource "portjsm_entities" "organizations" {
  blueprint     = portjsm_blueprint.organization.identifier
  entities_json = data.portjsm_organizations.all.entities_json
}
