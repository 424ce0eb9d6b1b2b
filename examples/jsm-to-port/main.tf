# The JSM → Port sync of Port's Ocean custom integration, as Terraform: the
# three blueprints, and three portjsm_entities resources fed by the JSM data
# sources with the JQ mappings of Port's JSM integration page (two of them
# corrected, see customer_requests below).
#
# Credentials come from the environment: JSM_BASE_URL, JSM_USERNAME,
# JSM_API_TOKEN, PORT_CLIENT_ID, PORT_CLIENT_SECRET (and PORT_BASE_URL for US).

terraform {
  required_providers {
    portjsm = { source = "portjsm/portjsm" }
  }
}

provider "portjsm" {}

module "blueprints" {
  source = "../jsm-to-port-blueprints"
}

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

# Port's JSM page maps `.summary` and `.createdDate.iso8601`. The Service Desk
# API has no top-level summary on a request (it is one of its
# requestFieldValues), and its iso8601 form (`2024-01-08T09:00:00+0000`) is not
# the RFC 3339 that a date-time property takes, so this mapping reads the
# summary from its field and converts the date.
data "portjsm_customer_requests" "all" {
  mapping = {
    identifier = ".issueId | tostring"
    title      = "[.requestFieldValues[]? | select(.fieldId == \"summary\") | .value][0] // .issueKey"
    properties = {
      issueKey  = ".issueKey"
      summary   = "[.requestFieldValues[]? | select(.fieldId == \"summary\") | .value][0]"
      status    = ".currentStatus.status"
      createdAt = ".createdDate.epochMillis / 1000 | floor | todate"
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
  blueprint     = module.blueprints.service_desk
  entities_json = data.portjsm_service_desks.all.entities_json
}

resource "portjsm_entities" "customer_requests" {
  blueprint     = module.blueprints.customer_request
  entities_json = data.portjsm_customer_requests.all.entities_json
  # Requests relate to service desks: write those first.
  depends_on = [portjsm_entities.service_desks]
}

resource "portjsm_entities" "organizations" {
  blueprint     = module.blueprints.organization
  entities_json = data.portjsm_organizations.all.entities_json
}

output "entity_counts" {
  value = {
    (module.blueprints.service_desk)     = data.portjsm_service_desks.all.item_count
    (module.blueprints.customer_request) = data.portjsm_customer_requests.all.item_count
    (module.blueprints.organization)     = data.portjsm_organizations.all.item_count
  }
}
