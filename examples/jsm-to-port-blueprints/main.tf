# The three blueprints of the JSM sync, shared by ../jsm-to-port and
# ../jsm-to-port-hcl.

terraform {
  required_providers {
    portjsm = { source = "portjsm/portjsm" }
  }
}

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
  identifier  = "jsmCustomerRequest"
  title       = "JSM Customer Request"
  icon        = "Jira"
  description = "A Jira Service Management customer request"
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
      target = portjsm_blueprint.service_desk.identifier
      title  = "Service desk"
    }
  }
}

resource "portjsm_blueprint" "organization" {
  identifier  = "jsmOrganization"
  title       = "JSM Organization"
  icon        = "Jira"
  description = "A Jira Service Management organization"
  schema = {
    properties = {
      name        = { type = "string", title = "Name" }
      scimManaged = { type = "boolean", title = "SCIM managed" }
    }
    required = []
  }
}

output "service_desk" {
  value = portjsm_blueprint.service_desk.identifier
}

output "customer_request" {
  value = portjsm_blueprint.customer_request.identifier
}

output "organization" {
  value = portjsm_blueprint.organization.identifier
}
