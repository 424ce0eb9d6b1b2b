# Provider functions must be declared in required_providers. The source is
# the address terraform-plugin-testing serves the provider under in-process
# (registry.terraform.io/hashicorp/portjsm), so nothing is downloaded.
terraform {
  required_providers {
    portjsm = { source = "hashicorp/portjsm" }
  }
}

output "runaway" {
  value = provider::portjsm::jq(1, "def f: f; f")
}
