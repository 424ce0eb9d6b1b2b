variable "port_base_url" { type = string }
variable "client_secret" {
  type    = string
  default = "test-secret"
}
variable "blueprint" {
  type    = string
  default = "service"
}
variable "identifier" {
  type    = string
  default = "api"
}
variable "properties" {
  type    = any
  default = { version = 1 }
}
variable "relations" {
  type    = any
  default = null
}
variable "check_schema" {
  type    = bool
  default = null
}

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = var.client_secret
    max_retries   = 1
  }
}

resource "portjsm_entity" "this" {
  blueprint  = var.blueprint
  identifier = var.identifier
  properties = var.properties
  relations  = var.relations

  check_schema = var.check_schema
}
