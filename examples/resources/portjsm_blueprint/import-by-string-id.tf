# Adopt a blueprint made in Port's UI with an import block (Terraform 1.5+).
import {
  to = portjsm_blueprint.customer_request
  id = "jsmCustomerRequest"
}
