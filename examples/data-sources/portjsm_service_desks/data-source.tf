data "portjsm_service_desks" "all" {}

output "service_desk_keys" {
  value = [for sd in data.portjsm_service_desks.all.service_desks : sd.project_key]
}
