resource "portjsm_blueprint" "service_desk" {
  identifier = "jsmServiceDesk"
  title      = "JSM Service Desk"
  icon       = "Jira"
  schema = {
    properties = {
      projectId   = { type = "string" }
      projectKey  = { type = "string" }
      projectName = { type = "string" }
    }
  }
  force_delete_entities = true
}

resource "portjsm_blueprint" "customer_request" {
  identifier = "jsmCustomerRequest"
  title      = "JSM Customer Request"
  icon       = "Jira"
  schema = {
    properties = {
      issueKey  = { type = "string" }
      summary   = { type = "string" }
      status    = { type = "string" }
      createdAt = { type = "string" }
      secret    = { type = "string" }
    }
  }
  relations = {
    serviceDesk = { target = portjsm_blueprint.service_desk.identifier }
  }
  force_delete_entities = true
}

resource "portjsm_blueprint" "organization" {
  identifier = "jsmOrganization"
  title      = "JSM Organization"
  icon       = "Jira"
  schema = {
    properties = {
      name        = { type = "string" }
      scimManaged = { type = "boolean" }
    }
  }
  force_delete_entities = true
}
