variable "port_base_url" { type = string }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

resource "portjsm_entity" "service" {
  count      = 12
  blueprint  = "service"
  identifier = "svc-${count.index}"
  properties = { version = count.index }
}
