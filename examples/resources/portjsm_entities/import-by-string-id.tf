# Adopt the entities of the blueprint that the configuration names, for
# example those an Ocean integration wrote: the first plan writes them
# (merging, so fields the configuration does not manage are kept) and deletes
# nothing another writer made. To replace another sync of the whole
# blueprint, use the id "jsmCustomerRequest/*" instead: every entity is
# adopted, and the first plan deletes those the configuration does not name
# (within deletion_threshold).
import {
  to = portjsm_entities.customer_requests
  id = "jsmCustomerRequest"
}
