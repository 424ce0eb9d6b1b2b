data "portjsm_organizations" "all" {}

# Only the organizations of one service desk.
data "portjsm_organizations" "it" {
  service_desk_id = "1"
}

output "organization_names" {
  value = [for o in data.portjsm_organizations.all.organizations : o.name]
}
