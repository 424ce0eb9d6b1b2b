variable "port_base_url" { type = string }
variable "desks" { type = string }
variable "requests" { type = string }
variable "port_timeout" {
  type    = string
  default = "5s"
}
variable "delete_dependents" {
  type    = bool
  default = false
}

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
    max_retries   = 1
    timeout       = var.port_timeout
  }
}

resource "portjsm_entities" "desks" {
  blueprint          = "desk"
  entities_json      = var.desks
  deletion_threshold = 1
  delete_dependents  = var.delete_dependents
}

resource "portjsm_entities" "requests" {
  blueprint          = "request"
  entities_json      = var.requests
  deletion_threshold = 1
  depends_on         = [portjsm_entities.desks]
}
