// Package schemacheck checks entities against a blueprint's schema the way
// Port checks the entities it is sent, so that a plan can name the entities
// Port would refuse before anything is written.
//
// The rules follow Port's entity validation: every property must be
// declared in schema.properties and match its type, format, enum and
// length, range and item limits; required properties and relations must
// be set; relations must be declared, single or many as declared, and
// target a blueprint that exists; identifiers must match Port's pattern.
// Null values pass every property rule but required.
//
// Values are read from the canonical JSON text of package entity without
// decoding them where the first byte tells enough, so checking a large set
// allocates only for what it reports.
package schemacheck
