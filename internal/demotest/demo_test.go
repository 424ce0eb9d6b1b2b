//go:build unix

// Package demotest checks the README's first command, make demo, the way a
// newcomer meets it: in a fresh clone of the repository, twice.
package demotest

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/nettest"
)

// TestMakeDemo clones the repository (committed files only), runs make demo
// there twice on free ports, and checks the report, that the second apply
// changes nothing, and that nothing is left running or untracked.
func TestMakeDemo(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make demo needs GNU make, which is not on PATH: %v", err)
	}
	top := strings.TrimSpace(run(t, ".", "git", "rev-parse", "--show-toplevel"))
	clone := filepath.Join(t.TempDir(), "repo")
	run(t, ".", "git", "clone", "--quiet", top, clone)
	// The Terraform CLI of the checkout the test runs in, built there once if
	// needed, rather than once more in every clone.
	terraform := strings.TrimSpace(run(t, top, filepath.Join(top, "scripts", "terraform-path.sh")))
	jsmAddr, portAddr := nettest.ClosedAddr(t), nettest.ClosedAddr(t)
	env := demoEnv(map[string]string{
		"DEMO_JSM_ADDR":  jsmAddr,
		"DEMO_PORT_ADDR": portAddr,
		"DEMO_TERRAFORM": terraform,
	})

	first := makeDemo(t, clone, env, jsmAddr, portAddr)
	tenant := tenantCounts(t, first)
	if got := reportCounts(t, first); !equalCounts(got, tenant) {
		t.Errorf("first run: Port holds %v, the fake JSM tenant has %v\n%s", got, tenant, first)
	}
	if m := regexp.MustCompile(`Apply complete! Resources: (\d+) added`).FindStringSubmatch(first); m == nil || m[1] == "0" {
		t.Errorf("the first apply of a fresh clone created nothing:\n%s", first)
	}
	checkSample(t, first, tenant[requestBP])

	second := makeDemo(t, clone, env, jsmAddr, portAddr)
	if !regexp.MustCompile(`(?m)^No changes\. Your infrastructure matches the configuration\.$`).MatchString(second) ||
		!strings.Contains(second, "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.") {
		t.Errorf("the second apply changed something; want \"No changes.\":\n%s", second)
	}
	if got := reportCounts(t, second); !equalCounts(got, tenant) {
		t.Errorf("second run: Port holds %v, want %v\n%s", got, tenant, second)
	}
}

const (
	deskBP    = "jsmServiceDesk"
	requestBP = "jsmCustomerRequest"
	orgBP     = "jsmOrganization"
)

// run runs a command in dir and returns its standard output.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return string(out)
}

// demoEnv is the test's environment without what an enclosing make passes to
// its children, plus extra.
func demoEnv(extra map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES":
			continue
		}
		if _, ok := extra[name]; !ok {
			env = append(env, kv)
		}
	}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// makeDemo runs make demo in dir, checks that it leaves nothing behind, and
// returns its output.
func makeDemo(t *testing.T, dir string, env []string, addrs ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "demo")
	cmd.Dir = dir
	cmd.Env = env
	// On timeout, stop the demo as Ctrl-C in a terminal would: SIGINT to
	// the whole process group, so that terraform stops and the script's trap
	// stops the fakes.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("make demo took %s", time.Since(start).Round(100*time.Millisecond))
	if err != nil {
		t.Errorf("make demo: %v\n%s", err, out)
	}
	checkLeftovers(t, dir, addrs...)
	if err != nil {
		t.FailNow()
	}
	return string(out)
}

// checkLeftovers fails the test when a fake still listens, a process of the
// clone's demo binaries still runs, or the demo left files git would see.
func checkLeftovers(t *testing.T, clone string, addrs ...string) {
	t.Helper()
	for _, addr := range addrs {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("something still listens on %s after make demo", addr)
		}
	}
	// Processes exit a moment after their parent is done with them.
	var stray []string
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		stray = demoProcesses(t, clone)
		if len(stray) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, p := range stray {
		t.Errorf("process left running after make demo: %s", p)
		if pid, err := strconv.Atoi(strings.Fields(p)[0]); err == nil {
			if proc, err := os.FindProcess(pid); err == nil {
				_ = proc.Kill() // started by this test
			}
		}
	}
	if st := run(t, clone, "git", "status", "--porcelain", "--untracked-files=all"); st != "" {
		t.Errorf("make demo left changes git sees:\n%s", st)
	}
}

// demoProcesses lists "pid command" of running processes started from the
// clone's demo binaries.
func demoProcesses(t *testing.T, clone string) []string {
	t.Helper()
	out := run(t, ".", "ps", "-A", "-o", "pid=", "-o", "args=")
	var found []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, clone) && (strings.Contains(line, "portjsm-fakes") || strings.Contains(line, "terraform-provider-portjsm")) {
			found = append(found, strings.TrimSpace(line))
		}
	}
	return found
}

// tenantCounts reads the size of the tenant the fake JSM serves from the
// line portjsm-fakes prints, so that the test follows its defaults.
func tenantCounts(t *testing.T, out string) map[string]int {
	t.Helper()
	m := regexp.MustCompile(`fake JSM: (\d+) service desks, (\d+) customer requests, (\d+) organizations`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("make demo does not say what the fake JSM serves:\n%s", out)
	}
	counts := map[string]int{}
	for i, bp := range []string{deskBP, requestBP, orgBP} {
		counts[bp], _ = strconv.Atoi(m[i+1])
		if counts[bp] == 0 {
			t.Fatalf("the fake JSM tenant has no %s: a demo of nothing\n%s", bp, out)
		}
	}
	return counts
}

// reportCounts reads the entities per blueprint from the report.
func reportCounts(t *testing.T, out string) map[string]int {
	t.Helper()
	_, report, ok := strings.Cut(out, "What now lives in Port")
	if !ok {
		t.Fatalf("make demo printed no report:\n%s", out)
	}
	counts := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(jsm\w+)\s+(\d+)$`).FindAllStringSubmatch(report, -1) {
		counts[m[1]], _ = strconv.Atoi(m[2])
	}
	return counts
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// checkSample checks the sample of requests: as many rows as it announces,
// each with a known service desk.
func checkSample(t *testing.T, out string, requests int) {
	t.Helper()
	m := regexp.MustCompile(`A sample of (\d+) customer requests \(of (\d+)\):\n\n.*\n((?:  \S.*\n)*)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the report has no sample of customer requests:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	if n != min(5, requests) || m[2] != strconv.Itoa(requests) {
		t.Errorf("sample of %s requests of %s, want %d of %d", m[1], m[2], min(5, requests), requests)
	}
	rows := strings.Split(strings.TrimRight(m[3], "\n"), "\n")
	if len(rows) != n {
		t.Errorf("sample has %d rows, want %d:\n%s", len(rows), n, m[3])
	}
	for _, row := range rows {
		if strings.Contains(row, "(none)") || strings.Contains(row, "not in Port") {
			t.Errorf("sample request without its service desk: %q", row)
		}
	}
}
