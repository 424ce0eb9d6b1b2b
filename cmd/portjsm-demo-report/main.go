// Command portjsm-demo-report prints what a JSM sync left in Port: the
// entities of each JSM blueprint, the customer requests by status, and a
// sample of requests with their service desk. make demo runs it against the
// fake Port; it reads Port through the provider's own client, with the
// credentials in PORT_BASE_URL, PORT_CLIENT_ID and PORT_CLIENT_SECRET.
//
//	go run ./cmd/portjsm-demo-report [-sample 5]
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// The blueprints of examples/jsm-to-port.
const (
	serviceDeskBP = "jsmServiceDesk"
	requestBP     = "jsmCustomerRequest"
	orgBP         = "jsmOrganization"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "portjsm-demo-report:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("portjsm-demo-report", flag.ContinueOnError)
	sample := fs.Int("sample", 5, "customer requests to show")
	if err := fs.Parse(args); err != nil {
		return err
	}
	client, err := port.New(port.Config{
		BaseURL:      os.Getenv("PORT_BASE_URL"),
		ClientID:     os.Getenv("PORT_CLIENT_ID"),
		ClientSecret: os.Getenv("PORT_CLIENT_SECRET"),
		Options:      httpbase.Options{MaxRetries: httpbase.NoRetries},
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	entities := map[string][]entity.Entity{}
	for _, bp := range []string{serviceDeskBP, requestBP, orgBP} {
		es, err := client.SearchEntities(ctx, bp, port.Search{})
		if err != nil {
			return fmt.Errorf("reading the entities of blueprint %s: %w", bp, err)
		}
		entities[bp] = es
	}
	report(out, cmp.Or(os.Getenv("PORT_BASE_URL"), port.DefaultBaseURL), entities, *sample)
	return nil
}

// report writes the summary of the entities of the three blueprints.
func report(out io.Writer, where string, entities map[string][]entity.Entity, sample int) {
	fmt.Fprintf(out, "What now lives in Port (%s):\n\n", where)
	fmt.Fprintf(out, "  %-20s %8s\n", "blueprint", "entities")
	for _, bp := range []string{serviceDeskBP, requestBP, orgBP} {
		fmt.Fprintf(out, "  %-20s %8d\n", bp, len(entities[bp]))
	}

	requests := entities[requestBP]
	if len(requests) == 0 {
		return
	}
	statuses := map[string]int{}
	for _, e := range requests {
		statuses[text(e.Properties, "status")]++
	}
	names := make([]string, 0, len(statuses))
	for s := range statuses {
		names = append(names, s)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(statuses[b]-statuses[a], strings.Compare(a, b)) })
	parts := make([]string, len(names))
	for i, s := range names {
		parts[i] = fmt.Sprintf("%s %d", s, statuses[s])
	}
	fmt.Fprintf(out, "\nCustomer requests by status: %s\n", strings.Join(parts, ", "))

	desks := map[string]string{}
	for _, d := range entities[serviceDeskBP] {
		desks[d.Identifier] = cmp.Or(title(d), d.Identifier)
	}
	n := min(sample, len(requests))
	fmt.Fprintf(out, "\nA sample of %d customer requests (of %d):\n\n", n, len(requests))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  request\tstatus\tservice desk\ttitle")
	for i := range n {
		// Spread the sample over the whole list, in Port's order.
		e := requests[i*len(requests)/n]
		desk := "(none)"
		if id := text(e.Relations, "serviceDesk"); id != "" {
			desk = cmp.Or(desks[id], id+" (not in Port)")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", cmp.Or(text(e.Properties, "issueKey"), e.Identifier),
			text(e.Properties, "status"), desk, shorten(cmp.Or(title(e), text(e.Properties, "summary")), 60))
	}
	_ = tw.Flush()
}

// text is the value of a field when it is a JSON string, or "".
func text(fields entity.Fields, key string) string {
	v, _ := fields.Get(key)
	s, _ := v.Value()
	str, _ := s.(string)
	return str
}

func title(e entity.Entity) string {
	if e.Title == nil {
		return ""
	}
	return *e.Title
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
