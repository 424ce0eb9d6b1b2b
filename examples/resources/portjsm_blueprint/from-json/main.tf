# The same blueprints from Port's blueprint JSON documents, as exported from
# Port's UI, with jsondecode: pieces are passed through unchanged.
locals {
  blueprints = {
    for name in ["jsmServiceDesk", "jsmCustomerRequest", "jsmOrganization"] :
    name => jsondecode(file("${path.module}/${name}.json"))
  }
  # The blueprints that relations target. A relation names its target by
  # identifier, which Terraform cannot follow, so they are a resource of
  # their own: created before, and destroyed after, the blueprints that
  # relate to them.
  targets = toset(flatten([
    for bp in local.blueprints : [for r in values(lookup(bp, "relations", {})) : r.target]
  ]))
}

resource "portjsm_blueprint" "targets" {
  for_each = { for name, bp in local.blueprints : name => bp if contains(local.targets, name) }

  identifier = each.value.identifier
  title      = each.value.title
  icon       = each.value.icon
  schema     = each.value.schema
  relations  = lookup(each.value, "relations", null)
}

resource "portjsm_blueprint" "from_json" {
  for_each   = { for name, bp in local.blueprints : name => bp if !contains(local.targets, name) }
  depends_on = [portjsm_blueprint.targets]

  identifier = each.value.identifier
  title      = each.value.title
  icon       = each.value.icon
  schema     = each.value.schema
  relations  = lookup(each.value, "relations", null)
}
