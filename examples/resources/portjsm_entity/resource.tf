resource "portjsm_entity" "it_desk" {
  blueprint  = "jsmServiceDesk"
  identifier = "1"
  title      = "IT Help Desk"
  properties = {
    projectId   = "10001"
    projectKey  = "IT"
    projectName = "IT Help Desk"
  }
}

resource "portjsm_entity" "vpn_request" {
  blueprint  = "jsmCustomerRequest"
  identifier = "10100"
  title      = "VPN drops every hour"
  team       = ["it-support"]
  properties = {
    issueKey  = "IT-1"
    summary   = "VPN drops every hour"
    status    = "In progress"
    createdAt = "2024-01-08T09:00:00Z"
  }
  relations = {
    serviceDesk = portjsm_entity.it_desk.identifier
  }
}
