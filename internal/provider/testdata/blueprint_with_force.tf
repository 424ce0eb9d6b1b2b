variable "port_base_url" { type = string }
variable "force_delete_entities" { type = bool }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

resource "portjsm_blueprint" "org" {
  identifier            = "jsmOrganization"
  title                 = "JSM Organization"
  force_delete_entities = var.force_delete_entities
  schema = {
    properties = {
      name = { type = "string" }
    }
  }
}
