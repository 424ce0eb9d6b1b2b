# Adopt every entity that already exists in a blueprint.
terraform import portjsm_entities.customer_requests jsmCustomerRequest
