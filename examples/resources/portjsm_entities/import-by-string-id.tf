# Adopt every entity a blueprint already holds, for example the entities an
# Ocean integration wrote, before the first sync plan.
import {
  to = portjsm_entities.customer_requests
  id = "jsmCustomerRequest"
}
