package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/portjsm/terraform-provider-portjsm/internal/gcpace"
	"github.com/portjsm/terraform-provider-portjsm/internal/provider"
)

// version is set by the release build (goreleaser -ldflags "-X main.version=...").
var version = "dev"

// gcPercent is the provider's GOGC. At scale its heap is a few large
// documents per call (Terraform sends a sync's configuration, prior and
// proposed state in one message, each holding entities_json), so the
// default of collecting at twice the live heap doubles the peak. Collecting
// at one and a half times keeps it near what Terraform's protocol itself
// needs (the floor of scripts/bench-sync.sh), for a few percent of CPU.
// A large JSM read gets more room while it runs (see gcpace). GOGC in the
// environment still wins, and then rooms change nothing.
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
		gcpace.Enable()
	}
	var debugger bool
	flag.BoolVar(&debugger, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	// Stops provider function calls on a terminal's Ctrl-C (see
	// provider.NewInterruptible); go-plugin keeps the process itself alive.
	interrupt, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var opts []tf6server.ServeOpt
	if debugger {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/portjsm/portjsm", provider.NewServer(provider.NewInterruptible(version, interrupt)), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
