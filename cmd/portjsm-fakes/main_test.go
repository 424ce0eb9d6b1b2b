package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &out, &errOut)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h: %v", err)
	}
	for _, f := range []string{"-jsm-addr", "-port-addr", "-desks", "-requests", "-organizations", "-seed", "-latency", "-env-file", "-port-state-file",
		"-jsm-burst-rate", "-jsm-burst", "-jsm-quota-points", "-jsm-quota-window", "-jsm-cloud-id", "-jsm-oauth-token"} {
		if !strings.Contains(errOut.String(), "  "+f) {
			t.Errorf("-h does not document %s:\n%s", f, errOut.String())
		}
	}
}

// start runs the fakes until the returned stop is called, and returns the
// environment they printed.
func start(t *testing.T, args ...string) (env map[string]string, stop func() error) {
	t.Helper()
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append(args, "-env-file", envFile), &out, &out) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, err := os.ReadFile(envFile)
		if err == nil {
			env = map[string]string{}
			for _, m := range regexp.MustCompile(`export (\w+)=(\S+)`).FindAllStringSubmatch(string(data), -1) {
				env[m[1]] = m[2]
			}
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("portjsm-fakes stopped: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("portjsm-fakes did not write its env file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return env, func() error { cancel(); return <-done }
}

func TestPortStateFileOutlivesTheProcess(t *testing.T) {
	state := filepath.Join(t.TempDir(), "port-state.json")
	env, stop := start(t, "-port-state-file", state, "-requests", "10")
	if env["JSM_BASE_URL"] == "" || env["PORT_BASE_URL"] == "" || env["PORT_CLIENT_ID"] == "" {
		t.Fatalf("env %v", env)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// An empty fake Port saves an empty state.
	empty, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	want := fakeport.New()
	if err := want.Restore(empty); err != nil {
		t.Fatalf("saved state of an empty Port: %v\n%s", err, empty)
	}
	defer want.Close()
	var snap []byte
	if err := want.PutBlueprint(map[string]any{"identifier": "svc", "title": "Service", "schema": map[string]any{"properties": map[string]any{"tier": map[string]any{"type": "string"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := want.PutEntity("svc", map[string]any{"identifier": "a", "properties": map[string]any{"tier": "gold"}, "createdAt": "2020-01-01T00:00:00.000Z"}); err != nil {
		t.Fatal(err)
	}
	snap, err = want.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(state, snap, 0o600); err != nil {
		t.Fatal(err)
	}

	// Restored at start, saved again at the end, unchanged.
	_, stop = start(t, "-port-state-file", state)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, snap) {
		t.Errorf("state after a run:\n%s\nwant\n%s", got, snap)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(state), ".*.tmp")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// A state file that is not a snapshot stops the fakes with an error
	// rather than serving an empty Port.
	if err := os.WriteFile(state, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = run(ctx, []string{"-port-state-file", state}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "delete the file") {
		t.Errorf("corrupt state file: %v", err)
	}
}

func TestAddressInUseIsAnError(t *testing.T) {
	env, stop := start(t)
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	addr := strings.TrimPrefix(env["PORT_BASE_URL"], "http://")
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := run(ctx, []string{"-port-addr", addr}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("listening on a busy address: %v", err)
	}
}
