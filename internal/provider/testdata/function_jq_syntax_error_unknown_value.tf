# Provider functions must be declared in required_providers. The source is
# the address terraform-plugin-testing serves the provider under in-process
# (registry.terraform.io/hashicorp/portjsm), so nothing is downloaded.
terraform {
  required_providers {
    portjsm = { source = "hashicorp/portjsm" }
  }
}

variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
  }
}

data "portjsm_service_desks" "all" {}

# The value is not known before the data source is read; the expression is
# a constant, so its syntax error must fail before any request.
output "first_key" {
  value = provider::portjsm::jq(jsondecode(data.portjsm_service_desks.all.items_json), "map(.projectKey")
}
