# Reuse an Ocean custom integration's port-app-config: every kind is read
# through the provider's JSM client and mapped with its selector and mappings;
# the entities come back grouped by blueprint. An alternative to
# examples/jsm-to-port: it creates the same blueprints, so run one of the two
# against a Port organization, not both.
terraform {
  required_providers {
    portjsm = { source = "portjsm/portjsm" }
  }
}

module "blueprints" {
  source = "../../jsm-to-port-blueprints"
}

# The fourth blueprint, for the itemsToParse resource of the configuration.
resource "portjsm_blueprint" "request_participant" {
  identifier = "jsmRequestParticipant"
  title      = "JSM Request Participant"
  icon       = "Jira"
  schema = {
    properties = {
      accountId   = { type = "string", title = "Account ID" }
      displayName = { type = "string", title = "Display name" }
    }
    required = []
  }
  relations = {
    request = { target = module.blueprints.customer_request, title = "Request" }
  }
}

data "portjsm_ocean_mapping" "jsm" {
  config_yaml = file("${path.module}/port-app-config.yml")
}

locals {
  ocean = data.portjsm_ocean_mapping.jsm
}

resource "portjsm_entities" "service_desks" {
  blueprint     = module.blueprints.service_desk
  entities_json = local.ocean.entities_json["jsmServiceDesk"]
}

resource "portjsm_entities" "customer_requests" {
  blueprint                       = module.blueprints.customer_request
  entities_json                   = local.ocean.entities_json["jsmCustomerRequest"]
  deletion_threshold              = local.ocean.deletion_threshold
  create_missing_related_entities = local.ocean.create_missing_related_entities
  # Requests relate to service desks: write those first.
  depends_on = [portjsm_entities.service_desks]
}

resource "portjsm_entities" "organizations" {
  blueprint     = module.blueprints.organization
  entities_json = local.ocean.entities_json["jsmOrganization"]
}

# One entity per request participant, from the itemsToParse resource.
resource "portjsm_entities" "request_participants" {
  blueprint     = portjsm_blueprint.request_participant.identifier
  entities_json = local.ocean.entities_json["jsmRequestParticipant"]
  depends_on    = [portjsm_entities.customer_requests]
}
