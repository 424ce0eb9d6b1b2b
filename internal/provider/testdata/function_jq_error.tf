# Provider functions must be declared in required_providers. The source is
# the address terraform-plugin-testing serves the provider under in-process
# (registry.terraform.io/hashicorp/portjsm), so nothing is downloaded.
terraform {
  required_providers {
    portjsm = { source = "hashicorp/portjsm" }
  }
}

output "broken" {
  value = provider::portjsm::jq({ a = 1 }, ".a | tostring | tonumber | .[0]")
}
