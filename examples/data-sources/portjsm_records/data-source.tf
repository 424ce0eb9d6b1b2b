# The queues of service desk 1, every page of them.
data "portjsm_records" "queues" {
  path  = "/servicedesk/1/queue"
  query = { includeCount = "true" }
}

# An experimental endpoint needs the opt-in header.
data "portjsm_records" "customers" {
  path         = "/servicedesk/1/customer"
  experimental = true
}

# A single object that is not paged: select it with data_path.
data "portjsm_records" "desk" {
  path      = "/servicedesk/1"
  data_path = "."
}

output "queue_names" {
  value = [for q in jsondecode(data.portjsm_records.queues.items_json) : q.name]
}
