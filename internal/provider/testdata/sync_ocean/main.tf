# The seed scenario from the Ocean port-app-config, unchanged.

data "portjsm_ocean_mapping" "jsm" {
  config_yaml = file("${path.module}/port-app-config.yml")
}

resource "portjsm_entities" "service_desks" {
  blueprint     = portjsm_blueprint.service_desk.identifier
  entities_json = data.portjsm_ocean_mapping.jsm.entities_json["jsmServiceDesk"]
}

resource "portjsm_entities" "customer_requests" {
  blueprint          = portjsm_blueprint.customer_request.identifier
  entities_json      = data.portjsm_ocean_mapping.jsm.entities_json["jsmCustomerRequest"]
  deletion_threshold = data.portjsm_ocean_mapping.jsm.deletion_threshold
  depends_on         = [portjsm_entities.service_desks]
}

resource "portjsm_entities" "organizations" {
  blueprint     = portjsm_blueprint.organization.identifier
  entities_json = data.portjsm_ocean_mapping.jsm.entities_json["jsmOrganization"]
}
