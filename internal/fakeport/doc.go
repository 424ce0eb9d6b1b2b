// Package fakeport is a stateful fake of Port's REST API (the internal
// developer portal) that listens on loopback. It is a test witness: it follows
// Port's official OpenAPI document (testdata/port-api-openapi.yaml) for
// paths, query parameters, bodies, status codes and error envelopes, and it
// imports nothing from the product it tests.
//
// Endpoints served (all but the first need "Authorization: Bearer <token>"):
//
//	POST   /v1/auth/access_token
//	GET    /v1/blueprints
//	POST   /v1/blueprints
//	GET    /v1/blueprints/{blueprint}
//	PUT    /v1/blueprints/{blueprint}
//	PATCH  /v1/blueprints/{blueprint}
//	DELETE /v1/blueprints/{blueprint}
//	GET    /v1/blueprints/{blueprint}/entities
//	POST   /v1/blueprints/{blueprint}/entities
//	POST   /v1/blueprints/{blueprint}/entities/bulk
//	POST   /v1/blueprints/{blueprint}/entities/search
//	GET    /v1/blueprints/{blueprint}/entities/{entity}
//	PUT    /v1/blueprints/{blueprint}/entities/{entity}
//	PATCH  /v1/blueprints/{blueprint}/entities/{entity}
//	DELETE /v1/blueprints/{blueprint}/entities/{entity}
//	GET    /v1/blueprints/{blueprint}/entities-count
//	DELETE /v1/blueprints/{blueprint}/all-entities
//	POST   /v1/blueprints/{blueprint}/bulk/entities/delete
//
// The route patterns above, prefixed with the method and a space, are the keys
// of [Server.RequestCounts].
//
// Every failure uses Port's envelope {"ok": false, "error": code, "message": text}.
// The codes the fake uses:
//
//	401 unauthorized         missing, unknown, revoked or expired token; wrong client credentials
//	403 forbidden            a write to the entities of a blueprint the credentials may only read
//	                         ([Server.DenyEntityWrites]; the document gives 403 Port's envelope,
//	                         the code and message are the fake's choice)
//	404 not_found            unknown route, blueprint, entity, or relation target
//	409 identifier_taken     plain create of an existing entity or blueprint (status not in the document)
//	413 payload_too_large    request body over 1 MiB
//	422 invalid_request      body or query does not match the route's schema (also malformed JSON)
//	422 schema_mismatch      entity does not match its blueprint (types, unknown or missing properties)
//	422 has_dependents       delete of a blueprint that still has entities or is a relation target,
//	                         or of entities that others need through a required relation
//	429 rate_limit_exceeded  over the organisation limit of [Server.SetRateLimits], or injected by
//	                         [Server.RateLimitEvery] (status not in the document)
//
// Port's document leaves some behaviour open; the fake's choices are:
//   - Deleting a blueprint that still has entities answers 422 has_dependents
//     (the code Port's own Terraform provider looks for); delete them first, e.g.
//     with DELETE /v1/blueprints/{blueprint}/all-entities.
//   - A required relation makes the source a "dependent" of its target: deleting
//     the target without delete_dependents=true fails with 422 has_dependents.
//     Values of optional relations pointing at a deleted entity are removed.
//     delete_dependents=true deletes every entity that relates to the deleted
//     one, transitively.
//   - Bulk upserts answer 207 as soon as one entity fails, even if all fail; the
//     207 body has "ok": false. Entities are processed in request order.
//   - Bulk delete ignores identifiers that do not exist; deletedEntities lists
//     the requested identifiers that were deleted.
//   - The required boolean query parameters upsert and delete_dependents default
//     to false when absent, as Port's schema defaults say.
//   - Entities are returned in creation order; an upsert of an existing entity
//     keeps its place. Search cursors ("next"/"from") are opaque and stay valid
//     while entities are added or deleted.
//   - The organisation rate limit ([Server.SetRateLimits], off unless set;
//     [PortRateLimits] are Port's documented budgets) keeps one budget per
//     class of request (unauthenticated, entities, other) in fixed windows
//     aligned to the Unix epoch, so x-ratelimit-reset is the exact end of the
//     window in epoch seconds. Requests count as they arrive, before any
//     latency set with [Server.SetLatency], as a gateway's limiter counts
//     them; refused requests are answered at once and do not use the budget.
//   - Search supports the combinators and the string, number, date, empty and
//     relation-identifier rules; other rules (relatedTo, context-based
//     properties, scorecards, matchAny, propertySchema) answer 422.
//   - Identifiers, teams and relation values given as search queries (instead
//     of strings) answer 422 invalid_request.
//   - [Server.RotateClientSecret] refuses the old secret at once, while the
//     access tokens issued with it work until they expire. Credentials of an
//     organization in another region are, to this server, unknown ones: 401.
//   - Changes made through the direct store methods ([Server.PutEntity] and
//     the like) stand for edits in Port's UI: they skip authentication, faults
//     and counters, are validated like API writes, and record "fakeport-ui" as
//     createdBy/updatedBy.
//   - Blueprint PATCH replaces the top-level fields it sends; PUT replaces the
//     whole document. Properties and relations that a blueprint update removes
//     are removed from its entities too.
//   - Entity and blueprint JSON carry createdAt, createdBy, updatedAt and
//     updatedBy, and entities also blueprint, as Port returns them, although the
//     document's entity schemas do not list those fields.
package fakeport
