# The three blueprints of the JSM sync, written in HCL.
resource "portjsm_blueprint" "service_desk" {
  identifier  = "jsmServiceDesk"
  title       = "JSM Service Desk"
  icon        = "Jira"
  description = "A Jira Service Management service desk"
  schema = {
    properties = {
      projectId   = { type = "string", title = "Project ID" }
      projectKey  = { type = "string", title = "Project key" }
      projectName = { type = "string", title = "Project name" }
    }
    required = []
  }
}

resource "portjsm_blueprint" "customer_request" {
  identifier = "jsmCustomerRequest"
  title      = "JSM Customer Request"
  icon       = "Jira"
  schema = {
    properties = {
      issueKey  = { type = "string", title = "Issue key" }
      summary   = { type = "string", title = "Summary" }
      status    = { type = "string", title = "Status" }
      createdAt = { type = "string", title = "Created at", format = "date-time" }
    }
    required = []
  }
  relations = {
    serviceDesk = {
      target   = portjsm_blueprint.service_desk.identifier
      title    = "Service desk"
      required = false
      many     = false
    }
  }
}

resource "portjsm_blueprint" "organization" {
  identifier = "jsmOrganization"
  title      = "JSM Organization"
  icon       = "Jira"
  schema = {
    properties = {
      name        = { type = "string", title = "Name" }
      scimManaged = { type = "boolean", title = "SCIM managed" }
    }
    required = []
  }
}
