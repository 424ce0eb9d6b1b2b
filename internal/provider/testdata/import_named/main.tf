variable "port_base_url" { type = string }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

resource "portjsm_entities" "services" {
  blueprint = "service"
  entities_json = jsonencode({
    for i in range(30) : "svc-${i}" => {
      title      = "Service ${i}"
      properties = { version = i * 1.5 }
      relations  = { for k, v in { owner = "platform" } : k => v if i % 2 == 0 }
    }
  })
}
