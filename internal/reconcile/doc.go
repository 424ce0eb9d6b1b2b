// Package reconcile turns the entity set a configuration wants and the one
// Port holds into the writes that make them equal, and works out what Port
// holds after those writes, whatever part of them failed. It knows nothing
// of Terraform; batching for Port's bulk endpoints is the port client's.
//
// # Ownership
//
// A sync (one portjsm_entities resource) owns exactly the entities it has
// written and those the user explicitly adopted by import. Every path
// follows one rule:
//
//   - It changes and deletes only what it owns. Entities of the blueprint
//     written by others (another sync, Ocean, the UI) are never read into its
//     state, changed or deleted; fields it does not manage are kept (merge
//     upserts, Project).
//   - After every apply, successful or not, its state records every owned
//     entity that Port holds (Apply's Result.State): the desired value of
//     each write Port confirmed or may have made (a request that failed as a
//     whole after reaching Port: Result.Uncertain, settled by reading back),
//     the previous value of each write Port refused or never received, and
//     each delete Port refused. So no entity can be left in Port that no
//     state owns.
//   - A write Port refused or never received is not owned, even when Port
//     holds an entity of that identifier (another writer's): it is neither
//     refreshed into the state nor deleted.
//   - A refresh (Project) keeps only the owned entities Port still holds, so
//     an owned entity deleted in Port, or a write that never landed, is
//     planned again.
//   - A delete Port refuses because other entities need it through a
//     required relation stays owned and planned, never blocks other deletes
//     (the client isolates it), and goes through once its dependents are
//     gone, whatever the applies in between (with or without a refresh).
package reconcile
