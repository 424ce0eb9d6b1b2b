variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
  }
}

# itemsToParse points at a string, not an array: the read must fail rather
# than skip the requests (which would delete their entities).
data "portjsm_ocean_mapping" "jsm" {
  config_yaml = <<-YAML
    resources:
      - kind: /rest/servicedeskapi/request
        port:
          itemsToParse: .issueKey
          entity:
            mappings:
              identifier: .issueId + "-" + .item
              blueprint: '"jsmRequestParticipant"'
  YAML
}
