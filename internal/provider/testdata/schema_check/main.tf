# The plan-time schema check: a ticket blueprint that Port holds or that
# this configuration plans, and the tickets written to it.
variable "port_base_url" { type = string }
variable "tickets" { type = string }
variable "plan_blueprint" {
  type    = bool
  default = false
}
variable "with_priority" {
  type    = bool
  default = false
}
# The schema depends on a value known only after the apply.
variable "unknown_schema" {
  type    = bool
  default = false
}
variable "ticket_relations" {
  type = map(object({
    target   = string
    required = optional(bool)
    many     = optional(bool)
  }))
  default = null
}

provider "portjsm" {
  port = {
    base_url      = var.port_base_url
    client_id     = "test-client"
    client_secret = "test-secret"
    max_retries   = 1
  }
}

resource "terraform_data" "late" {
  count = var.unknown_schema ? 1 : 0
  input = "late"
}

resource "portjsm_blueprint" "ticket" {
  count      = var.plan_blueprint ? 1 : 0
  identifier = "ticket"
  title      = "Ticket"
  schema = {
    properties = merge(
      {
        issueKey  = { type = "string" }
        status    = { type = "string", enum = ["Open", "Closed"] }
        createdAt = { type = "string", format = "date-time" }
        size      = { type = "number" }
      },
      var.with_priority ? { priority = { type = "string" } } : {},
      var.unknown_schema ? { (terraform_data.late[0].output) = { type = "string" } } : {},
    )
    required = ["issueKey"]
  }
  relations = var.ticket_relations
}

resource "portjsm_entities" "tickets" {
  blueprint     = var.plan_blueprint ? portjsm_blueprint.ticket[0].identifier : "ticket"
  entities_json = var.tickets
}
