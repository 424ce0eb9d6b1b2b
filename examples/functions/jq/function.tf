# Provider functions need the provider in required_providers.
terraform {
  required_providers {
    portjsm = { source = "portjsm/portjsm" }
  }
}

# Map JSM requests to Port entities in HCL, using JQ where HCL has no
# equivalent (here: the summary field's value).
data "portjsm_customer_requests" "all" {}

locals {
  requests = jsondecode(data.portjsm_customer_requests.all.items_json)
}

output "summaries" {
  value = {
    for r in local.requests :
    r.issueKey => provider::portjsm::jq(r, ".requestFieldValues[] | select(.fieldId == \"summary\") | .value")
  }
}
