# Adopt an existing entity with an import block: blueprint/identifier.
import {
  to = portjsm_entity.vpn_request
  id = "jsmCustomerRequest/10100"
}
