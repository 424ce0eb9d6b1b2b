package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/reconcile"
)

// namedPerGroup is how many identifiers a summarised failure names.
const namedPerGroup = 5

// addSyncDiagnostics reports what did not land, titled by cause: entities
// Port refused (grouped by identical message), deletes waiting for
// dependents, and the failure of whole requests, where cancellation says
// nothing is lost. stateNote says what the state now holds.
// Everything takes severity: a create must not fail once anything landed, or
// Terraform taints the resource.
func addSyncDiagnostics(diags *diag.Diagnostics, severity diag.Severity, blueprint string, res reconcile.Result, stateNote string) {
	add := diags.AddError
	if severity == diag.SeverityWarning {
		add = diags.AddWarning
	}
	var refused, tooLarge, waiting []reconcile.Failure
	for _, f := range res.Refused {
		switch {
		case f.StatusCode == http.StatusNotFound && isMissingBlueprint(res.Err):
			// the missing blueprint, reported once below
		case f.Operation == "delete":
			waiting = append(waiting, f)
		case f.StatusCode == http.StatusRequestEntityTooLarge:
			tooLarge = append(tooLarge, f)
		default:
			refused = append(refused, f)
		}
	}
	if len(tooLarge) > 0 {
		add("Entities Too Large", fmt.Sprintf("%d entities of blueprint %s are larger than the 1 MiB Port accepts in one "+
			"request and were not sent:%s\n\nMake them smaller: leave long fields (descriptions, comments, expanded "+
			"objects) out of the mapping or shorten them with JQ. They stay planned until they land. %s",
			len(tooLarge), blueprint, groupFailures(tooLarge), stateNote))
	}
	if len(refused) > 0 {
		add("Port Refused Some Entities", fmt.Sprintf("Port refused %d entities of blueprint %s:%s\n\nEach refusal is about "+
			"that entity's data: fix the mapping or the blueprint's schema (or set create_missing_related_entities for a "+
			"missing related entity). The refused entities stay planned until they land. %s",
			len(refused), blueprint, groupFailures(refused), stateNote))
	}
	if len(waiting) > 0 {
		add("Deletes Waiting For Dependents", fmt.Sprintf("Port did not delete %d entities of blueprint %s because other "+
			"entities still need them through a required relation:%s\n\nThey stay owned and planned for deletion, and go "+
			"through on a later apply once the resource that manages the dependents has removed them (two applies when "+
			"both change together), or at once with delete_dependents = true. %s", len(waiting), blueprint,
			groupFailures(waiting), stateNote))
	}
	if res.Err != nil {
		var failure diag.Diagnostics
		addRequestFailure(&failure, blueprint, res.Err, stateNote)
		for _, d := range failure {
			add(d.Summary(), d.Detail())
		}
	}
}

// addRequestFailure titles the failure of whole requests by its cause.
func addRequestFailure(diags *diag.Diagnostics, blueprint string, err error, stateNote string) {
	var apiErr *httpbase.APIError
	status := 0
	if errors.As(err, &apiErr) {
		status = apiErr.StatusCode
	}
	what := "syncing blueprint " + blueprint
	transportErr, isTransport := httpbase.AsTransportError(err)
	var tooLong *httpbase.WaitTooLongError
	switch {
	case errors.As(err, &tooLong):
		var sub diag.Diagnostics
		addWaitTooLong(&sub, what, tooLong, "port.max_server_wait (PORT_MAX_SERVER_WAIT)")
		for _, d := range sub {
			diags.AddError(d.Summary(), d.Detail()+" "+stateNote)
		}
	case isTransport && transportErr.Cause != httpbase.CauseTransport:
		var sub diag.Diagnostics
		addPortError(&sub, what, err)
		for _, d := range sub {
			diags.AddError(d.Summary(), d.Detail()+" "+stateNote)
		}
	case errors.Is(err, context.Canceled):
		diags.AddError("Sync Cancelled", fmt.Sprintf("The sync of blueprint %s was cancelled before it finished. Nothing "+
			"is lost: requests in flight were allowed to finish, and the next apply continues where this one stopped. %s",
			blueprint, stateNote))
	case status == http.StatusRequestEntityTooLarge:
		diags.AddError("Request Too Large", fmt.Sprintf("Port refused a request of the sync of blueprint %s as too large "+
			"(413): %s. Make the entities smaller (fewer or shorter properties in the mapping). %s", blueprint,
			portMessage(err), stateNote))
	case status == 0 || status >= http.StatusInternalServerError || errors.Is(err, context.DeadlineExceeded):
		diags.AddError("Port Is Failing Or Unreachable", fmt.Sprintf("The sync of blueprint %s stopped: %s. This is Port "+
			"or the network, not the configuration: run apply again. If it keeps happening, check port.base_url "+
			"(PORT_BASE_URL) and raise port.timeout (PORT_TIMEOUT) or port.max_retries (PORT_MAX_RETRIES). %s", blueprint,
			strings.TrimSuffix(err.Error(), "."), stateNote))
	default:
		var sub diag.Diagnostics
		addPortError(&sub, what, err)
		for _, d := range sub {
			diags.AddError(d.Summary(), d.Detail()+" "+stateNote)
		}
	}
}

// groupFailures lists failures with the same status and message once, with
// a count and the first identifiers.
func groupFailures(failures []reconcile.Failure) string {
	type group struct {
		message string
		ids     []string
	}
	byMessage := map[string]*group{}
	var order []string
	for _, f := range failures {
		msg := failureText(f)
		g, ok := byMessage[msg]
		if !ok {
			g = &group{message: msg}
			byMessage[msg] = g
			order = append(order, msg)
		}
		g.ids = append(g.ids, f.Identifier)
	}
	sort.SliceStable(order, func(i, j int) bool { return len(byMessage[order[i]].ids) > len(byMessage[order[j]].ids) })
	var b strings.Builder
	for _, msg := range order {
		g := byMessage[msg]
		named := g.ids[:min(len(g.ids), namedPerGroup)]
		list := strings.Join(named, ", ")
		if more := len(g.ids) - len(named); more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		noun := "entities"
		if len(g.ids) == 1 {
			noun = "entity"
		}
		fmt.Fprintf(&b, "\n  - %s (%d %s: %s)", g.message, len(g.ids), noun, list)
	}
	return b.String()
}

func failureText(f reconcile.Failure) string {
	parts := []string{}
	if f.StatusCode != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", f.StatusCode))
	}
	if f.Code != "" {
		parts = append(parts, f.Code)
	}
	if f.Message != "" {
		// Port names the entity in its message; without the name, the same
		// refusal of many entities is one line.
		msg := strings.ReplaceAll(f.Message, strconv.Quote(f.Identifier), `"<identifier>"`)
		parts = append(parts, strings.TrimSuffix(msg, "."))
	}
	return strings.Join(parts, ": ")
}
