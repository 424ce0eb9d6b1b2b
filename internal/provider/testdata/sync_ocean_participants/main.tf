# Request participants as entities, through itemsToParse.

resource "portjsm_blueprint" "participant" {
  identifier = "jsmRequestParticipant"
  title      = "JSM Request Participant"
  schema = {
    properties = {
      accountId           = { type = "string" }
      displayName         = { type = "string" }
      parsedArrayInParent = { type = "boolean" }
    }
  }
  relations = {
    request = { target = portjsm_blueprint.customer_request.identifier }
  }
  force_delete_entities = true
}

data "portjsm_ocean_mapping" "jsm" {
  config_yaml = file("${path.module}/port-app-config.yml")
}

resource "portjsm_entities" "service_desks" {
  blueprint     = portjsm_blueprint.service_desk.identifier
  entities_json = data.portjsm_ocean_mapping.jsm.entities_json["jsmServiceDesk"]
}

resource "portjsm_entities" "customer_requests" {
  blueprint     = portjsm_blueprint.customer_request.identifier
  entities_json = data.portjsm_ocean_mapping.jsm.entities_json["jsmCustomerRequest"]
  depends_on    = [portjsm_entities.service_desks]
}

resource "portjsm_entities" "participants" {
  blueprint     = portjsm_blueprint.participant.identifier
  entities_json = data.portjsm_ocean_mapping.jsm.entities_json["jsmRequestParticipant"]
  depends_on    = [portjsm_entities.customer_requests]
}
