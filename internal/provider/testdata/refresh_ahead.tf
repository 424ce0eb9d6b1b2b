variable "port_base_url" { type = string }

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
  }
}

resource "portjsm_blueprint" "item" {
  identifier = "item"
  title      = "Item"
  schema = {
    properties = {}
    required   = []
  }
}

# 3,000 entities: three pages of Port's search.
resource "portjsm_entities" "items" {
  blueprint = portjsm_blueprint.item.identifier
  entities_json = jsonencode(merge([for a in range(3) : {
    for b in range(1000) : format("i%d%03d", a, b) => { title = "Item ${a}-${b}" }
  }]...))
}
