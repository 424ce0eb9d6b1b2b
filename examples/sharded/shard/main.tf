# The root of one shard: `terraform init` with this shard's own state key,
# then plan and apply with its service desk ID. Every shard runs the same
# code with its own state, so shards plan and apply independently and in
# parallel (examples/sharded/ci). Run examples/sharded/shared first: it
# owns the blueprints the shards write into.
#
#   terraform init -backend-config="key=jsm-to-port/desk-3.tfstate"
#   terraform apply -var service_desk_id=3
#
# Credentials come from the environment: JSM_BASE_URL, JSM_USERNAME,
# JSM_API_TOKEN, PORT_CLIENT_ID, PORT_CLIENT_SECRET.

terraform {
  required_providers {
    portjsm = { source = "portjsm/portjsm" }
  }
  # The key is set per shard at init; the lock file makes a second run of
  # the same shard wait instead of writing the same state (Terraform 1.10+).
  backend "s3" {
    bucket       = "your-terraform-state"
    region       = "eu-west-1"
    use_lockfile = true
  }
}

variable "service_desk_id" {
  type        = string
  description = "The service desk this shard syncs."
}

provider "portjsm" {}

module "desk" {
  source          = "../modules/desk-shard"
  service_desk_id = var.service_desk_id
}

output "customer_requests" {
  value = module.desk.customer_requests
}
