// Command portjsm-fakes runs the fake JSM and the fake Port on loopback,
// seeded with a generated JSM tenant, for the demo, benchmarks and trying the
// examples by hand:
//
//	go run ./cmd/portjsm-fakes -requests 300 -jsm-addr 127.0.0.1:8081 -port-addr 127.0.0.1:8082
//
// It prints the environment variables the provider reads, then serves until
// interrupted.
package main

import (
	"context"
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

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "portjsm-fakes:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("portjsm-fakes", flag.ContinueOnError)
	jsmAddr := fs.String("jsm-addr", "127.0.0.1:0", "listen address of the fake JSM")
	portAddr := fs.String("port-addr", "127.0.0.1:0", "listen address of the fake Port")
	desks := fs.Int("desks", 4, "service desks in the tenant")
	requests := fs.Int("requests", 300, "customer requests in the tenant")
	orgs := fs.Int("organizations", 6, "organizations in the tenant")
	seed := fs.Int64("seed", 1, "seed of the generated tenant")
	latency := fs.Duration("latency", 0, "latency added to every request of both fakes, such as 10ms")
	envFile := fs.String("env-file", "", "also write the environment variables to this file, once both fakes listen")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tenant := fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: *seed, ServiceDesks: *desks, Requests: *requests, Organizations: *orgs})
	jsm := fakejsm.New(tenant, fakejsm.WithAddr(*jsmAddr))
	defer jsm.Close()
	port := fakeport.New(fakeport.WithAddr(*portAddr))
	defer port.Close()
	jsm.SetLatency(*latency)
	port.SetLatency(*latency)

	env := fmt.Sprintf("export JSM_BASE_URL=%s\nexport JSM_USERNAME=%s\nexport JSM_API_TOKEN=%s\n"+
		"export PORT_BASE_URL=%s\nexport PORT_CLIENT_ID=test-client\nexport PORT_CLIENT_SECRET=test-secret\n",
		jsm.URL(), fakejsm.DefaultEmail, fakejsm.DefaultAPIToken, port.URL())
	fmt.Fprintf(out, "# fake JSM: %d desks, %d requests, %d organizations; latency %s\n%s", *desks, *requests, *orgs, *latency, env)
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(env), 0o600); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	time.Sleep(10 * time.Millisecond)
	return nil
}
