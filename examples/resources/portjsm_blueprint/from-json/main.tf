# The same blueprints from Port's blueprint JSON documents, as exported from
# Port's UI, with jsondecode: pieces are passed through unchanged.
locals {
  blueprints = {
    for name in ["jsmServiceDesk", "jsmCustomerRequest", "jsmOrganization"] :
    name => jsondecode(file("${path.module}/${name}.json"))
  }
}

resource "portjsm_blueprint" "from_json" {
  for_each = local.blueprints

  identifier = each.value.identifier
  title      = each.value.title
  icon       = each.value.icon
  schema     = each.value.schema
  relations  = lookup(each.value, "relations", null)
}
