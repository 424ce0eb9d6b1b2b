package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/portjsm/terraform-provider-portjsm/internal/provider"
)

// version is set by the release build (goreleaser -ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	// Stops provider function calls on a terminal's Ctrl-C (see
	// provider.NewInterruptible); go-plugin keeps the process itself alive.
	interrupt, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := providerserver.Serve(context.Background(), provider.NewInterruptible(version, interrupt), providerserver.ServeOpts{
		Address:         "registry.terraform.io/portjsm/portjsm",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
