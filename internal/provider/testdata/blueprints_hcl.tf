variable "port_base_url" { type = string }
variable "request_title" { type = string }
variable "status_title" { type = string }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
    max_retries   = 2
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
  identifier = "jsmCustomerRequest"
  title      = var.request_title
  icon       = "Jira"
  schema = {
    properties = {
      issueKey  = { type = "string", title = "Issue key" }
      summary   = { type = "string", title = "Summary" }
      status    = { type = "string", title = var.status_title }
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
