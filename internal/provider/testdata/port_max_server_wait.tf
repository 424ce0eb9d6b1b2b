variable "port_base_url" { type = string }

provider "portjsm" {
  port = {
    base_url        = var.port_base_url
    client_id       = "test-client"
    client_secret   = "test-secret"
    max_server_wait = "5m"
  }
}

resource "portjsm_blueprint" "waited" {
  identifier = "waited"
  title      = "Waited"
}
