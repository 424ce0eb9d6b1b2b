variable "port_base_url" { type = string }
variable "manage_collections" { type = bool }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

resource "portjsm_blueprint" "target" {
  identifier = "squad"
  title      = "Squad"
  schema     = { properties = {} }
}

resource "portjsm_blueprint" "service" {
  identifier = "service"
  title      = "Service"
  schema     = { properties = { name = { type = "string" } } }
  calculation_properties = var.manage_collections ? {
    managed = { title = "Managed", type = "string", calculation = ".identifier" }
  } : null
  relations = var.manage_collections ? {
    owner = { target = portjsm_blueprint.target.identifier }
  } : null
}
