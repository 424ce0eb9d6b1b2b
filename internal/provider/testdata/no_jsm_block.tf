provider "portjsm" {}

data "portjsm_service_desks" "all" {}
