package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portjsm/terraform-provider-portjsm/internal/gcpace"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

// jsmDataSource is embedded by every JSM data source: it receives the
// provider data and hands out the client.
type jsmDataSource struct {
	data *providerData
}

func (d *jsmDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider: please report it.", req.ProviderData))
		return
	}
	d.data = data
}

// client returns the JSM client and a context that masks its secrets.
func (d *jsmDataSource) client(ctx context.Context, diags *diag.Diagnostics) (context.Context, *jsm.Client) {
	c := d.data.jsmClient(diags)
	if c == nil {
		return ctx, nil
	}
	return withSecretsMasked(ctx, d.data.jsm.secrets), c
}

// listAttributes are shared by every list data source.
func listAttributes(noun string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"max_items": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("Stop after this many %s. By default every page is read.", noun),
			Validators:          []validator.Int64{int64validator.AtLeast(1)},
		},
		"item_count": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: fmt.Sprintf("How many %s were read.", noun),
		},
		"items_json": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: fmt.Sprintf("A JSON array of the %s exactly as JSM sent them, every field included. "+
				"Decode it with `jsondecode` to reach fields the typed list leaves out.", noun),
		},
	}
}

func maxItems(v types.Int64) int {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	return int(v.ValueInt64())
}

// itemsJSON joins raw items into one JSON array without re-encoding them.
func itemsJSON(items []json.RawMessage) string {
	var b bytes.Buffer
	size := 2
	for _, it := range items {
		size += len(it) + 1
	}
	b.Grow(size)
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteByte(']')
	return b.String()
}

// typedList decodes raw items and builds a data source's typed list.
func typedList[T any](items []json.RawMessage, kind string, elemType types.ObjectType, object func(T) attr.Value, diags *diag.Diagnostics) types.List {
	values, err := jsm.DecodeAll[T](items, kind)
	if err != nil {
		diags.AddError("Unexpected JSM Response", err.Error()+". JSM answered with a shape the Service Desk API does not document; "+
			"read the items with portjsm_records instead and report this.")
		return types.ListNull(elemType)
	}
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = object(v)
	}
	return types.ListValueMust(elemType, elems)
}

// listJSM reads a whole list, reporting a failed read as an error and a
// read that never settled as a warning. ok is false when nothing may be used.
func listJSM(ctx context.Context, client *jsm.Client, what, apiPath string, opts jsm.ListOptions, diags *diag.Diagnostics) ([]json.RawMessage, bool) {
	listing, err := client.List(ctx, apiPath, opts)
	if err != nil {
		addJSMError(diags, what, err)
		return nil, false
	}
	warnUnsettled(ctx, what, listing.Reads, listing.Settled, listing.Repeated, len(listing.Items), diags)
	warnJSMQuota(diags, what, listing.Quota)
	return listing.Items, true
}

// mappedList is a list read and mapped: how many items were read, and the
// entities_json of what they mapped to, with its size and the fields the
// mapping gave null for every entity.
type mappedList struct {
	read       int
	entities   int
	doc        string
	nullFields []mapping.NullField
}

// listMapped reads a whole list and maps it page by page as it arrives, so
// that the raw items of the list are never held at once; each page's
// entities are held as their members of entities_json (see
// mapping.Encoded).
func listMapped(ctx context.Context, client *jsm.Client, what, apiPath string, opts jsm.ListOptions, program *mapping.Program, limits mapping.Limits, diags *diag.Diagnostics) (mappedList, bool) {
	room := gcpace.Hold()
	defer room.Release()
	listing, err := jsm.ListDecoded(ctx, client, apiPath, opts, roomForLargeReads(room, program.StartList(limits).MapPageEncoded))
	if err == nil {
		var doc string
		var entities int
		joining := phases.Start(ctx, phases.EntitiesJSON)
		doc, entities, err = mapping.Join(listing.Items)
		joining()
		if err == nil {
			warnUnsettled(ctx, what, listing.Reads, listing.Settled, listing.Repeated, len(listing.Items), diags)
			warnJSMQuota(diags, what, listing.Quota)
			return mappedList{read: len(listing.Items), entities: entities, doc: doc, nullFields: program.NullForEveryEncoded(listing.Items)}, true
		}
	}
	if isMappingError(err) {
		addMappingError(diags, path.Root("mapping"), err, "Mapping Failed", "Fix the mapping, or skip such items with a selector.")
	} else {
		addJSMError(diags, what, err)
	}
	return mappedList{}, false
}

// A mapped read that reaches largeRead items gets largeReadHeadroom between
// collections (see gcpace). Its live heap is the entities mapped so far,
// while the peak of a sync that size is in Terraform's messages, each
// holding the sync's entities_json (about 300 MiB at 100,000 entities), so
// the headroom costs no memory at the peak; below that size it could.
const (
	largeRead         = 50_000
	largeReadHeadroom = 64 << 20
)

// roomForLargeReads gives room the headroom once the pages converted reach
// largeRead items.
func roomForLargeReads(room *gcpace.Room, convert jsm.Converter[any, mapping.Encoded]) jsm.Converter[any, mapping.Encoded] {
	return func(ctx context.Context, first int, items []any) ([]mapping.Encoded, error) {
		if first+len(items) >= largeRead {
			room.Set(largeReadHeadroom)
		}
		return convert(ctx, first, items)
	}
}

// isMappingError tells a failed or cancelled mapping from a failed read.
func isMappingError(err error) bool {
	var itemErr *mapping.Error
	var dupErr *mapping.DuplicateError
	var limitErr *mapping.LimitError
	return errors.As(err, &itemErr) || errors.As(err, &dupErr) || errors.As(err, &limitErr) || errors.Is(err, context.Canceled)
}

// warnUnsettled logs a list read more than once and warns when the reads
// never settled.
func warnUnsettled(ctx context.Context, what string, reads int, settled bool, repeated []string, items int, diags *diag.Diagnostics) {
	if reads > 1 {
		tflog.Info(ctx, "JSM list read more than once", map[string]any{"what": what, "reads": reads, "settled": settled, "items": items})
	}
	if !settled {
		diags.AddWarning("JSM List Changed While Read", fmt.Sprintf("Each of the %d reads of %s saw some items twice (ids %s): the list changed while it "+
			"was paged, as JSM orders it by latest activity, and an item that moves during a read can be skipped. The result is the union "+
			"of the reads, %d items: every item any read saw. An item that moved at the wrong moment in every read may still be missing, "+
			"and a sync would delete its entity until the next run brings it back. Raising jsm.max_list_reads "+
			"(JSM_MAX_LIST_READS) allows more reads and raising jsm.concurrency makes each one shorter; on a desk where requests "+
			"are created during every read, reads may never settle, and the union is the best that offset paging can do.",
			reads, what, strings.Join(repeated, ", "), items))
	}
}

// addJSMError turns a failed JSM read into a diagnostic that says what to do.
// Every failed read fails the plan: nothing downstream may act on a partial
// list.
func addJSMError(diags *diag.Diagnostics, what string, err error) {
	const noPartial = " No data was returned: a partial read is never used, so it cannot lead to deletions in Port."
	// JSM's messages end with a period; more sentences follow.
	msg := strings.TrimSuffix(err.Error(), ".")
	var apiErr *httpbase.APIError
	var pagingErr *jsm.PagingError
	transportErr, isTransport := httpbase.AsTransportError(err)
	status := 0
	if errors.As(err, &apiErr) {
		status = apiErr.StatusCode
	}
	var tooLong *httpbase.WaitTooLongError
	switch {
	case isMisconfiguredJSM(err):
		addMisconfiguredJSM(diags, what, err)
	case isJSMRateLimit(err):
		addJSMRateLimit(diags, what, err, noPartial)
	case errors.As(err, &tooLong):
		var sub diag.Diagnostics
		addWaitTooLong(&sub, "reading "+what, tooLong, "jsm.max_server_wait (JSM_MAX_SERVER_WAIT)")
		for _, d := range sub {
			diags.AddError(d.Summary(), d.Detail()+noPartial)
		}
	case status == http.StatusUnauthorized:
		diags.AddError("JSM Authentication Failed", fmt.Sprintf("Reading %s failed: %s. JSM did not accept the credentials: check "+
			"jsm.username (JSM_USERNAME, the account's email address) and jsm.api_token (JSM_API_TOKEN), or the access token "+
			"when auth_type is bearer, and that jsm.base_url is the site the token belongs to.", what, msg))
	case status == http.StatusForbidden:
		diags.AddError("JSM Permission Denied", fmt.Sprintf("Reading %s failed: %s. The account is authenticated but may not read "+
			"this: give it access to the service desk (agent or customer permissions) or use another account.", what, msg))
	case status == http.StatusNotFound:
		diags.AddError("JSM Resource Not Found", fmt.Sprintf("Reading %s failed: %s. Check the ids and the path in the configuration "+
			"and that jsm.base_url points at the right site.", what, msg))
	case status == http.StatusTooManyRequests:
		diags.AddError("JSM Rate Limit Exceeded", fmt.Sprintf("Reading %s failed: %s. JSM kept refusing requests after every retry, "+
			"though the provider paces itself by JSM's rate-limit headers: another client may share the burst limit, or a proxy "+
			"may hide the headers. Lower jsm.concurrency or set jsm.requests_per_second, and run again later.%s", what, msg, noPartial))
	case status == http.StatusPreconditionFailed:
		diags.AddError("JSM Experimental API Not Enabled", fmt.Sprintf("Reading %s failed: %s. The endpoint is experimental: "+
			"set experimental = true on the portjsm_records data source to send X-ExperimentalApi: opt-in.", what, msg))
	case status >= 400 && status < 500:
		diags.AddError("JSM Rejected The Request", fmt.Sprintf("Reading %s failed: %s. Fix the arguments of the data source.", what, msg))
	case errors.As(err, &pagingErr) && len(pagingErr.Pages) > 0:
		diags.AddError("JSM Paging Failed", fmt.Sprintf("Reading %s failed: %s. Check for a caching proxy or gateway between the "+
			"provider and JSM (HTTPS_PROXY) and that jsm.base_url points at the site itself.%s", what, msg, noPartial))
	case errors.As(err, &pagingErr):
		diags.AddError("JSM Paging Failed", fmt.Sprintf("Reading %s failed: %s. Run again; if it persists, lower jsm.page_size.", what, msg))
	case isTransport && transportErr.Cause == httpbase.CauseUnreachable:
		diags.AddError("JSM Unreachable", fmt.Sprintf("Reading %s failed: %s. Check jsm.base_url (JSM_BASE_URL): its host must resolve "+
			"and accept connections; a proxy is taken from HTTPS_PROXY and NO_PROXY. The request was not retried, as an unreachable "+
			"host does not come back within a run.%s", what, msg, noPartial))
	case isTransport && transportErr.Cause == httpbase.CauseTimeout:
		diags.AddError("JSM Timed Out", fmt.Sprintf("Reading %s failed: %s. JSM accepted the connection but sent no complete answer "+
			"within jsm.timeout (JSM_TIMEOUT, now %s): raise it if JSM is slow, or check that jsm.base_url (JSM_BASE_URL) points at "+
			"the JSM site.%s", what, msg, transportErr.Timeout, noPartial))
	default:
		diags.AddError("JSM Read Failed", fmt.Sprintf("Reading %s failed: %s. Run again later; raise jsm.max_retries or jsm.timeout "+
			"if JSM is slow.%s", what, msg, noPartial))
	}
}
