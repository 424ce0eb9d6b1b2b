# What the shards share, in a state of its own: the three blueprints, and
# the organizations, which belong to no single desk. Apply it before the
# shards (examples/sharded/ci runs it as the first job).
#
#   terraform init -backend-config="key=jsm-to-port/shared.tfstate"

terraform {
  required_providers {
    portjsm = { source = "portjsm/portjsm" }
  }
  backend "s3" {
    bucket       = "your-terraform-state"
    region       = "eu-west-1"
    use_lockfile = true
  }
}

provider "portjsm" {}

module "blueprints" {
  source = "../../jsm-to-port-blueprints"
}

data "portjsm_organizations" "all" {
  mapping = {
    identifier = ".id | tostring"
    title      = ".name"
    properties = {
      name        = ".name"
      scimManaged = ".scimManaged"
    }
  }
}

resource "portjsm_entities" "organizations" {
  blueprint     = module.blueprints.organization
  entities_json = data.portjsm_organizations.all.entities_json
}
