variable "port_base_url" { type = string }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

locals {
  desk    = jsondecode(file("${path.module}/jsmServiceDesk.json"))
  request = jsondecode(file("${path.module}/jsmCustomerRequest.json"))
  org     = jsondecode(file("${path.module}/jsmOrganization.json"))
}

resource "portjsm_blueprint" "service_desk" {
  identifier             = local.desk.identifier
  title                  = local.desk.title
  icon                   = local.desk.icon
  schema                 = local.desk.schema
  calculation_properties = local.desk.calculationProperties
}

resource "portjsm_blueprint" "customer_request" {
  identifier = local.request.identifier
  title      = local.request.title
  icon       = local.request.icon
  schema     = local.request.schema
  relations  = local.request.relations
  depends_on = [portjsm_blueprint.service_desk]
}

resource "portjsm_blueprint" "organization" {
  identifier = local.org.identifier
  title      = local.org.title
  icon       = local.org.icon
  schema     = local.org.schema
}
