variable "port_base_url" { type = string }
variable "api_version" { type = number }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

resource "portjsm_blueprint" "team" {
  identifier = "squad"
  title      = "Squad"
  schema     = { properties = {} }
}

resource "portjsm_blueprint" "service" {
  identifier = "service"
  title      = "Service"
  schema = {
    properties = {
      language = { type = "string" }
      version  = { type = "number" }
      public   = { type = "boolean" }
      meta     = { type = "object" }
      tags     = { type = "array", items = { type = "string" } }
      note     = { type = "string" }
    }
  }
  relations = {
    owner     = { target = portjsm_blueprint.team.identifier }
    dependsOn = { target = "service", many = true }
  }
}

resource "portjsm_entity" "platform" {
  blueprint  = portjsm_blueprint.team.identifier
  identifier = "platform"
  title      = "Platform"
}

resource "portjsm_entity" "db" {
  blueprint  = portjsm_blueprint.service.identifier
  identifier = "db"
  title      = "Database"
  properties = { language = "sql" }
}

resource "portjsm_entity" "api" {
  blueprint  = portjsm_blueprint.service.identifier
  identifier = "api"
  title      = "API"
  icon       = "Microservice"
  team       = ["platform-team"]
  properties = {
    language = "go"
    version  = var.api_version
    public   = true
    meta     = { owner = "platform", tier = 1, flags = { beta = false } }
    tags     = ["jsm", "port"]
  }
  relations = {
    owner     = portjsm_entity.platform.identifier
    dependsOn = [portjsm_entity.db.identifier]
  }
}
