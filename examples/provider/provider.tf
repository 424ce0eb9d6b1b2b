# Credentials usually come from the environment (JSM_API_TOKEN,
# PORT_CLIENT_SECRET, ...) so that they never appear in configuration.
provider "portjsm" {
  jsm = {
    base_url  = "https://your-domain.atlassian.net"
    auth_type = "basic"
    username  = "you@company.com"
    api_token = var.jsm_api_token
    page_size = 50
  }
  port = {
    base_url      = "https://api.port.io" # https://api.us.port.io for US accounts
    client_id     = var.port_client_id
    client_secret = var.port_client_secret
  }
}

# With a scoped API token or an OAuth 2.0 access token, go through the gateway:
# jsm = {
#   base_url  = "https://api.atlassian.com/ex/jira/<cloudId>"
#   auth_type = "bearer"
#   api_token = var.jsm_access_token
# }

variable "jsm_api_token" {
  type      = string
  sensitive = true
}

variable "port_client_id" {
  type = string
}

variable "port_client_secret" {
  type      = string
  sensitive = true
}
