package fakeport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// snapshotFormat names the layout of [Server.Snapshot]'s JSON.
const snapshotFormat = "fakeport-snapshot/1"

// snapshotDoc is the JSON of a snapshot: blueprints in creation order and
// entities in creation order across blueprints, each exactly as the API
// returns it (with createdAt, createdBy, updatedAt and updatedBy, and the
// entity's blueprint).
type snapshotDoc struct {
	Format     string            `json:"format"`
	Blueprints []json.RawMessage `json:"blueprints"`
	Entities   []json.RawMessage `json:"entities"`
}

// Snapshot returns the store (every blueprint and entity) as JSON that
// [Server.Restore] reads back, so that a fake Port can outlive its process.
// Tokens, faults, latency and counters are not part of it.
func (s *Server) Snapshot() ([]byte, error) {
	s.st.mu.RLock()
	var bps []map[string]any
	for _, b := range s.st.blueprintsInOrder() {
		bps = append(bps, b.doc)
	}
	var es []*entity
	for _, set := range s.st.sets {
		for _, e := range set.order {
			if !e.dead {
				es = append(es, e)
			}
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].seq < es[j].seq })
	views := make([]map[string]any, len(es))
	for i, e := range es {
		views[i] = e.view()
	}
	s.st.mu.RUnlock()

	// Docs and views share only maps the store never modifies in place, so
	// they are encoded without the lock. One item per line keeps the file
	// readable and diffable.
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\"format\": %q,\n\"blueprints\": [", snapshotFormat)
	if err := writeItems(&buf, bps); err != nil {
		return nil, err
	}
	buf.WriteString("],\n\"entities\": [")
	if err := writeItems(&buf, views); err != nil {
		return nil, err
	}
	buf.WriteString("]}\n")
	return buf.Bytes(), nil
}

func writeItems(buf *bytes.Buffer, items []map[string]any) error {
	for i, item := range items {
		raw, err := json.Marshal(item)
		if err != nil {
			return fmt.Errorf("fakeport: snapshot: %w", err)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		buf.Write(raw)
	}
	if len(items) > 0 {
		buf.WriteByte('\n')
	}
	return nil
}

// Restore replaces the whole store with a snapshot taken by
// [Server.Snapshot], keeping creation order (listings, search order) and the
// metadata Port adds (createdAt, createdBy, updatedAt, updatedBy).
//
// Blueprints are validated as POST /v1/blueprints validates them, and the
// target of every relation must be a blueprint of the snapshot (blueprints
// that relate to each other are fine: a PATCH can make them). Then entities
// are validated against their blueprints, and every related entity must be in
// the snapshot. Restore is all or nothing: on error the store is left as it
// was. (The one state Snapshot can record that Restore refuses is a relation
// to a blueprint removed with [Server.DeleteBlueprint], which leaves such
// relations dangling.)
func (s *Server) Restore(data []byte) error {
	var doc snapshotDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("fakeport: restore: not a snapshot: %w", err)
	}
	if doc.Format != snapshotFormat {
		return fmt.Errorf("fakeport: restore: format %q, want %q", doc.Format, snapshotFormat)
	}
	ns := newStore()
	if err := ns.restoreBlueprints(doc.Blueprints); err != nil {
		return fmt.Errorf("fakeport: restore: %w", err)
	}
	if err := ns.restoreEntities(doc.Entities); err != nil {
		return fmt.Errorf("fakeport: restore: %w", err)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	s.st.seq, s.st.bps, s.st.sets, s.st.refs = ns.seq, ns.bps, ns.sets, ns.refs
	return nil
}

// restoreBlueprints loads blueprint documents into an empty store, keeping
// the snapshot's (creation) order.
func (st *store) restoreBlueprints(raws []json.RawMessage) error {
	parsed := make([]*blueprint, 0, len(raws))
	byID := map[string]*blueprint{}
	for i, raw := range raws {
		var in map[string]any
		if err := json.Unmarshal(raw, &in); err != nil || in == nil {
			return fmt.Errorf("blueprints[%d] is not a JSON object", i)
		}
		doc, bp, aerr := normalizeBlueprint(in)
		if aerr != nil {
			return fmt.Errorf("blueprints[%d]: %s", i, aerr.Message)
		}
		if byID[bp.id] != nil {
			return fmt.Errorf("blueprint %q appears twice", bp.id)
		}
		// normalizeBlueprint drops what the server sets; keep the snapshot's.
		for _, k := range metaFields {
			doc[k] = metaValue(in, k)
		}
		bp.doc = doc
		bp.seq = st.nextSeq()
		parsed = append(parsed, bp)
		byID[bp.id] = bp
	}
	// Targets are checked against the whole snapshot rather than in some
	// creation order: blueprints may relate to each other.
	for _, bp := range parsed {
		for _, name := range sortedKeys(bp.relations) {
			target := bp.relations[name].target
			if target != bp.id && byID[target] == nil {
				return fmt.Errorf("relation %q of blueprint %q targets blueprint %q, which is not in the snapshot", name, bp.id, target)
			}
		}
		st.bps[bp.id] = bp
	}
	return nil
}

// restoreEntities loads entity JSON, in creation order, into a store whose
// blueprints are restored.
func (st *store) restoreEntities(raws []json.RawMessage) error {
	for i, raw := range raws {
		var in map[string]any
		if err := json.Unmarshal(raw, &in); err != nil || in == nil {
			return fmt.Errorf("entities[%d] is not a JSON object", i)
		}
		bpID, _ := in["blueprint"].(string)
		bp := st.bps[bpID]
		if bp == nil {
			return fmt.Errorf("entities[%d]: blueprint %q is not in the snapshot", i, bpID)
		}
		id, _ := in["identifier"].(string)
		if id == "" {
			return fmt.Errorf("entities[%d] of blueprint %q has no identifier", i, bpID)
		}
		if st.entity(bpID, id) != nil {
			return fmt.Errorf("entity %q of blueprint %q appears twice", id, bpID)
		}
		meta := map[string]string{}
		for _, k := range metaFields {
			meta[k] = metaValue(in, k)
			delete(in, k)
		}
		delete(in, "blueprint")
		ein, aerr := parseEntityInput(in, inputCreate, fmt.Sprintf("entities[%d]", i))
		if aerr != nil {
			return fmt.Errorf("%s", aerr.Message)
		}
		e := &entity{
			bp: bpID, id: id, title: ein.title, icon: ein.icon, team: ein.team,
			props: overlay(nil, ein.props), rels: overlay(nil, ein.rels),
			createdAt: meta["createdAt"], createdBy: meta["createdBy"],
			updatedAt: meta["updatedAt"], updatedBy: meta["updatedBy"],
		}
		if e.team == nil {
			e.team = []string{}
		}
		if aerr := checkEntity(bp, e); aerr != nil {
			return fmt.Errorf("%s", aerr.Message)
		}
		e.targets = relationTargets(bp, e.rels)
		st.put(e)
	}
	// Relations are checked once every entity is in: entities may relate to
	// entities created after them, or to each other.
	for _, bp := range st.blueprintsInOrder() {
		for _, e := range st.live(bp.id) {
			for _, t := range e.targets {
				if st.entity(t.bp, t.id) == nil {
					return fmt.Errorf("entity %q of blueprint %q relates to entity %q of blueprint %q, which is not in the snapshot", e.id, e.bp, t.id, t.bp)
				}
			}
		}
	}
	return nil
}

// metaValue is a createdAt/createdBy/updatedAt/updatedBy value of a snapshot
// item, or what the server would set when the item lacks it.
func metaValue(item map[string]any, key string) string {
	if v, ok := item[key].(string); ok {
		return v
	}
	if key == "createdBy" || key == "updatedBy" {
		return uiActor
	}
	return timestamp()
}
