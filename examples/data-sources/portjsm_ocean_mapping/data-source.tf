# Reuse an Ocean custom integration's port-app-config unchanged: every kind is
# read through the provider's JSM client and mapped with its selector and
# mappings; the entities come back grouped by blueprint.
data "portjsm_ocean_mapping" "jsm" {
  config_yaml = file("${path.module}/port-app-config.yml")
}

locals {
  ocean = data.portjsm_ocean_mapping.jsm
}

resource "portjsm_entities" "service_desks" {
  blueprint     = "jsmServiceDesk"
  entities_json = local.ocean.entities_json["jsmServiceDesk"]
}

resource "portjsm_entities" "customer_requests" {
  blueprint                       = "jsmCustomerRequest"
  entities_json                   = local.ocean.entities_json["jsmCustomerRequest"]
  deletion_threshold              = local.ocean.deletion_threshold
  create_missing_related_entities = local.ocean.create_missing_related_entities
  # Requests relate to service desks: write those first.
  depends_on = [portjsm_entities.service_desks]
}

resource "portjsm_entities" "organizations" {
  blueprint     = "jsmOrganization"
  entities_json = local.ocean.entities_json["jsmOrganization"]
}

# One entity per request participant, from the itemsToParse resource.
resource "portjsm_entities" "request_participants" {
  blueprint     = "jsmRequestParticipant"
  entities_json = local.ocean.entities_json["jsmRequestParticipant"]
  depends_on    = [portjsm_entities.customer_requests]
}
