# One shard of the JSM → Port sync: one service desk and its customer
# requests, written into the shared blueprints with the mappings of
# ../../../jsm-to-port.
#
# Every request belongs to exactly one desk, and each shard writes only its
# own desk entity, so no two shards ever write the same entity; each
# portjsm_entities resource deletes only entities it wrote, so a shard never
# touches another shard's entities either.

terraform {
  required_providers {
    portjsm = { source = "portjsm/portjsm" }
  }
}

variable "service_desk_id" {
  type        = string
  description = "The ID of the service desk this shard syncs, such as \"3\"."
  validation {
    condition     = can(regex("^[0-9]+$", var.service_desk_id))
    error_message = "service_desk_id is a service desk ID, a number such as \"3\"."
  }
}

variable "service_desk_blueprint" {
  type        = string
  description = "The blueprint of service desks, managed outside the shards."
  default     = "jsmServiceDesk"
}

variable "customer_request_blueprint" {
  type        = string
  description = "The blueprint of customer requests, managed outside the shards."
  default     = "jsmCustomerRequest"
}

variable "deletion_threshold" {
  type        = number
  description = "The largest fraction of this shard's requests one run may delete."
  default     = 0.9
}

# The desk itself: one object, not a paged list. A desk that no longer
# exists fails the plan (404): remove its shard on purpose instead.
data "portjsm_records" "desk" {
  path      = "/servicedesk/${var.service_desk_id}"
  data_path = "."
  mapping = {
    identifier = ".id | tostring"
    title      = ".projectName // .projectKey // .id"
    properties = {
      projectId   = ".projectId | tostring"
      projectKey  = ".projectKey"
      projectName = ".projectName"
    }
  }
}

data "portjsm_customer_requests" "desk" {
  service_desk_id = var.service_desk_id
  mapping = {
    identifier = ".issueId | tostring"
    title      = "[.requestFieldValues[]? | select(.fieldId == \"summary\") | .value][0] // .issueKey"
    properties = {
      issueKey  = ".issueKey"
      summary   = "[.requestFieldValues[]? | select(.fieldId == \"summary\") | .value][0]"
      status    = ".currentStatus.status"
      createdAt = ".createdDate.epochMillis / 1000 | floor | todate"
    }
    relations = {
      serviceDesk = ".serviceDeskId | tostring"
    }
  }
}

resource "portjsm_entities" "desk" {
  blueprint     = var.service_desk_blueprint
  entities_json = data.portjsm_records.desk.entities_json
}

resource "portjsm_entities" "customer_requests" {
  blueprint          = var.customer_request_blueprint
  entities_json      = data.portjsm_customer_requests.desk.entities_json
  deletion_threshold = var.deletion_threshold
  # The requests relate to the desk: write it first.
  depends_on = [portjsm_entities.desk]
}

output "customer_requests" {
  description = "How many customer requests this shard syncs."
  value       = data.portjsm_customer_requests.desk.item_count
}
