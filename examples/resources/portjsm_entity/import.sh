# An entity is imported as blueprint/identifier.
terraform import portjsm_entity.vpn_request jsmCustomerRequest/10100
