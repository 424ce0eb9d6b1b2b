# Every open request of one service desk.
data "portjsm_customer_requests" "it_open" {
  service_desk_id = "1"
  request_status  = "OPEN_REQUESTS"
}

# Requests of one organization, with their service desk and request type expanded
# into items_json.
data "portjsm_customer_requests" "acme" {
  request_ownership = ["ORGANIZATION"]
  organization_id   = "3"
  expand            = ["serviceDesk", "requestType"]
}

output "open_requests" {
  value = { for r in data.portjsm_customer_requests.it_open.requests : r.issue_key => r.status }
}

output "acme_request_types" {
  value = distinct([for r in jsondecode(data.portjsm_customer_requests.acme.items_json) : r.requestType.name])
}
