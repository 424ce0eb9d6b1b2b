# Adopt the entities of the blueprint that the configuration names.
terraform import portjsm_entities.customer_requests jsmCustomerRequest

# Adopt every entity of the blueprint, to replace another sync of all of it.
terraform import portjsm_entities.customer_requests 'jsmCustomerRequest/*'
