package mapping

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// Mapping a list page by page gives the set Map gives for the whole list,
// and errors name positions in the list, not in the page.
func TestListRunMapsPagesAsOneList(t *testing.T) {
	items := numbered(230)
	docs := decoded(t, items)
	run := mustCompile(t, organizationMapping).StartList(DefaultLimits)
	var outcomes []Mapped
	for first := 0; first < len(items); first += 50 {
		page, err := run.MapPage(t.Context(), first, docs[first:min(first+50, len(docs))])
		if err != nil {
			t.Fatal(err)
		}
		outcomes = append(outcomes, page...)
	}
	set, err := Collect(outcomes)
	if err != nil {
		t.Fatal(err)
	}
	if want := mustMap(t, organizationMapping, items); !set.Equal(want) {
		t.Fatal("the pages mapped one by one differ from the whole list mapped at once")
	}

	bad := mustCompile(t, Mapping{Identifier: `if .id == 137 then null else .id | tostring end`}).StartList(DefaultLimits)
	_, err = bad.MapPage(t.Context(), 100, docs[100:150])
	var itemErr *Error
	if !errors.As(err, &itemErr) || itemErr.Index != 137 {
		t.Fatalf("err = %v, want item 137 named", err)
	}
	dup := append(outcomes[:0:0], outcomes...)
	dup[200] = dup[3]
	var dupErr *DuplicateError
	if _, err := Collect(dup); !errors.As(err, &dupErr) || dupErr.First != 3 || dupErr.Second != 200 {
		t.Fatalf("err = %v, want items 3 and 200 named", err)
	}
}

// The pages of a list share its total time limit, and the error states the
// limit as configured.
func TestListRunSharesTheTotalTimeLimit(t *testing.T) {
	limits := Limits{ItemTimeout: time.Second, TotalTimeout: 50 * time.Millisecond}
	run := mustCompile(t, organizationMapping).StartList(limits)
	time.Sleep(60 * time.Millisecond)
	_, err := run.MapPage(t.Context(), 300, decoded(t, numbered(10)))
	var limit *LimitError
	if !errors.As(err, &limit) || limit.Kind != LimitTotalTimeout || limit.Limits != limits {
		t.Fatalf("err = %v, want the total limit of 50ms", err)
	}
	var itemErr *Error
	if !errors.As(err, &itemErr) || itemErr.Index != 300 {
		t.Fatalf("err = %v, want the page's first item named", err)
	}
}

// decoded decodes items as jsm.DecodePage does.
func decoded(t *testing.T, items []json.RawMessage) []any {
	t.Helper()
	docs := make([]any, len(items))
	for i, raw := range items {
		var d jsonvalue.Decoder
		doc, err := d.Decode(string(raw))
		if err != nil {
			t.Fatal(err)
		}
		docs[i] = doc
	}
	return docs
}
