# A blueprint is imported by its identifier.
terraform import portjsm_blueprint.customer_request jsmCustomerRequest
