# Every customer request of JSM as an entity of the jsmCustomerRequest
# blueprint, mapped by the data source with JQ: the mapping of Port's JSM
# integration page, with the summary read from its field (the API has no
# top-level summary) and the creation date as RFC 3339, which Port's
# date-time format accepts.
data "portjsm_customer_requests" "all" {
  mapping = {
    identifier = ".issueId | tostring"
    title      = ".issueKey"
    properties = {
      issueKey  = ".issueKey"
      summary   = ".requestFieldValues[]? | select(.fieldId == \"summary\") | .value"
      status    = ".currentStatus.status"
      createdAt = ".createdDate.epochMillis / 1000 | todate"
    }
    relations = {
      serviceDesk = ".serviceDeskId | tostring"
    }
  }
}

resource "portjsm_entities" "customer_requests" {
  blueprint     = "jsmCustomerRequest"
  entities_json = data.portjsm_customer_requests.all.entities_json

  # Refuse a plan that would delete more than half of the managed requests.
  deletion_threshold = 0.5
  # Requests relate to service desks: write those first.
  depends_on = [portjsm_entities.service_desks]
}

# The same with an HCL for expression over the typed list.
data "portjsm_service_desks" "all" {}

resource "portjsm_entities" "service_desks" {
  blueprint = "jsmServiceDesk"
  entities_json = jsonencode({
    for sd in data.portjsm_service_desks.all.service_desks : sd.id => {
      title      = sd.project_name
      properties = { projectId = sd.project_id, projectKey = sd.project_key, projectName = sd.project_name }
    }
  })
}
