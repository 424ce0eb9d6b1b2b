variable "jsm_base_url" { type = string }
variable "jsm_api_token" { type = string }

provider "portjsm" {
  jsm = {
    base_url  = var.jsm_base_url
    username  = "agent@example.com"
    api_token = var.jsm_api_token
  }
}

data "portjsm_records" "desk" {
  path      = "/servicedesk/1"
  data_path = ".values[ | x"
}
