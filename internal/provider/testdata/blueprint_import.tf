variable "port_base_url" { type = string }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

import {
  to = portjsm_blueprint.org
  id = "jsmOrganization"
}

resource "portjsm_blueprint" "org" {
  identifier = "jsmOrganization"
  title      = "JSM Organization"
  icon       = "Jira"
  schema = {
    properties = {
      name = { type = "string", title = "Name" }
    }
    required = []
  }
}
