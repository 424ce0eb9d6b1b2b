provider "portjsm" {}

resource "portjsm_entity" "this" {
  blueprint  = "service"
  identifier = "api"
}
