# Provider functions must be declared in required_providers. The source is
# the address terraform-plugin-testing serves the provider under in-process
# (registry.terraform.io/hashicorp/portjsm), so nothing is downloaded.
terraform {
  required_providers {
    portjsm = { source = "hashicorp/portjsm" }
  }
}

locals {
  request = {
    issueKey = "IT-1"
    requestFieldValues = [
      { fieldId = "summary", value = "VPN drops every hour" },
      { fieldId = "description", value = "Since Monday." },
    ]
    currentStatus = { status = "In progress" }
    count         = 41
  }
}

output "summary" {
  value = provider::portjsm::jq(local.request, ".requestFieldValues[] | select(.fieldId == \"summary\") | .value")
}

output "object" {
  value = provider::portjsm::jq(local.request, "{key: .issueKey, status: .currentStatus.status, next: (.count + 1)}")
}

output "no_result" {
  value = provider::portjsm::jq(local.request, "empty") == null
}

# The input is {} rather than null: OpenTofu returns null for a provider
# function given a literal null without calling it.
output "no_environment" {
  value = provider::portjsm::jq({}, "$ENV | length")
}
