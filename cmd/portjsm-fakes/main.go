// Command portjsm-fakes runs the fake JSM and the fake Port on loopback,
// seeded with a generated JSM tenant, for the demo, benchmarks and trying the
// examples by hand:
//
//	go run ./cmd/portjsm-fakes -requests 300 -jsm-addr 127.0.0.1:8081 -port-addr 127.0.0.1:8082
//
// It prints the environment variables the provider reads, then serves until
// interrupted. With -port-state-file the fake Port's blueprints and entities
// outlive the process: they are restored at start when the file exists and
// saved when the process is interrupted (SIGINT or SIGTERM). The JSM tenant
// needs no such file: the same seed and sizes always generate the same tenant.
// Run it with -h for every flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

const usageText = `Usage: portjsm-fakes [flags]

Runs a fake Jira Service Management (JSM) and a fake Port API on loopback, the
JSM one seeded with a generated tenant, prints the environment variables the
provider reads (JSM_BASE_URL, JSM_USERNAME, JSM_API_TOKEN, PORT_BASE_URL,
PORT_CLIENT_ID, PORT_CLIENT_SECRET; with -jsm-oauth-token, JSM_AUTH_TYPE=bearer
and JSM_API_TOKEN instead of the username and API token) as export lines, and
serves until interrupted (Ctrl-C or SIGTERM).

The fake JSM can enforce Atlassian's limits (its Jira Cloud rate-limiting
page): a burst limit on every caller (-jsm-burst-rate, -jsm-burst) and an
hourly points quota on OAuth 2.0 apps through the api.atlassian.com gateway
(-jsm-quota-points with -jsm-cloud-id and -jsm-oauth-token). Both are off by
default.

The tenant is deterministic: the same -seed and sizes always give the same
service desks, requests and organizations. The fake Port starts empty unless
-port-state-file names a file saved by an earlier run.

Example (from the repository root):

  go run ./cmd/portjsm-fakes -jsm-addr 127.0.0.1:18081 -port-addr 127.0.0.1:18082 \
    -port-state-file .tools/demo/port-state.json

Flags:
`

func main() {
	// A background job of a script ignores SIGINT, so that Ctrl-C stops only
	// the foreground command (terraform, say) and the script stops the fakes
	// afterwards; keep it that way rather than save the state mid-apply.
	signals := []os.Signal{syscall.SIGTERM}
	if !signal.Ignored(os.Interrupt) {
		signals = append(signals, os.Interrupt)
	}
	ctx, stop := signal.NotifyContext(context.Background(), signals...)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "portjsm-fakes:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then saves the fake Port's state if asked.
func run(ctx context.Context, args []string, out, errOut io.Writer) (err error) {
	fs := flag.NewFlagSet("portjsm-fakes", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	jsmAddr := fs.String("jsm-addr", "127.0.0.1:0", "listen `address` of the fake JSM (port 0: a free port)")
	portAddr := fs.String("port-addr", "127.0.0.1:0", "listen `address` of the fake Port (port 0: a free port)")
	desks := fs.Int("desks", 4, "service desks in the tenant (one more, restricted, is never listed)")
	requests := fs.Int("requests", 300, "customer requests in the tenant, spread over the desks in several statuses")
	orgs := fs.Int("organizations", 6, "organizations in the tenant")
	seed := fs.Int64("seed", 1, "seed of the generated tenant: the same seed and sizes give the same tenant")
	latency := fs.Duration("latency", 0, "latency added to every request of both fakes, such as 10ms")
	envFile := fs.String("env-file", "", "also write the export lines to this `file`, once both fakes listen")
	stateFile := fs.String("port-state-file", "", "restore the fake Port's blueprints and entities from this JSON `file` at start\n"+
		"if it exists, and save them to it on SIGINT/SIGTERM (written atomically)")
	var lim jsmLimits
	lim.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := lim.validate(); err != nil {
		return err
	}

	tenant := fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: *seed, ServiceDesks: *desks, Requests: *requests, Organizations: *orgs})
	// Both fakes panic when they cannot listen; report that as an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	jsm := fakejsm.New(tenant, append(lim.options(), fakejsm.WithAddr(*jsmAddr))...)
	defer jsm.Close()
	lim.apply(jsm)
	port := fakeport.New(fakeport.WithAddr(*portAddr))
	defer port.Close()
	jsm.SetLatency(*latency)
	port.SetLatency(*latency)

	restored := ""
	if *stateFile != "" {
		n, err := loadPortState(port, *stateFile)
		if err != nil {
			return err
		}
		restored = fmt.Sprintf("; fake Port restored from %s (%d blueprints, %d entities)", *stateFile, n.blueprints, n.entities)
		if n.missing {
			restored = fmt.Sprintf("; fake Port starts empty, state saved to %s on exit", *stateFile)
		}
	}

	env := lim.jsmEnv(jsm.URL()) + fmt.Sprintf("export PORT_BASE_URL=%s\nexport PORT_CLIENT_ID=test-client\nexport PORT_CLIENT_SECRET=test-secret\n", port.URL())
	fmt.Fprintf(out, "# fake JSM: %d service desks, %d customer requests, %d organizations (seed %d); latency %s%s%s\n%s",
		len(tenant.ServiceDeskIDs()), len(tenant.RequestIDs()), len(tenant.OrganizationIDs()), *seed, *latency, lim.summary(), restored, env)
	if *envFile != "" {
		if err := writeFileAtomic(*envFile, []byte(env)); err != nil {
			return err
		}
	}
	<-ctx.Done()
	time.Sleep(10 * time.Millisecond)
	// Stop serving before the snapshot, so that no write is accepted after it.
	jsm.Close()
	port.Close()
	if *stateFile == "" {
		return nil
	}
	if err := savePortState(port, *stateFile); err != nil {
		return fmt.Errorf("saving the fake Port's state: %w", err)
	}
	fmt.Fprintf(out, "# fake Port state saved to %s\n", *stateFile)
	return nil
}
