package provider

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/nettest"
)

// TestReadmeListsEveryEnvironmentVariable: every environment variable the
// provider reads is in the README's list, so that troubleshooting advice
// such as "raise JSM_MAX_LIST_READS" names a variable a user can find.
func TestReadmeListsEveryEnvironmentVariable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`"((?:JSM|PORT|PORTJSM)_[A-Z_]+)"`)
	seen := 0
	for _, file := range sources {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range name.FindAllStringSubmatch(string(src), -1) {
			seen++
			if !strings.Contains(string(readme), "`"+m[1]+"`") {
				t.Errorf("%s reads %s, which the README's list of environment variables leaves out", file, m[1])
			}
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d environment variables in the provider's sources", seen)
	}
}

// TestReadmeByHandRecipe runs the README's by-hand recipe as a user copies
// it, in a copy of the repository: terminal 1's commands in the background,
// then terminal 2's with the Terraform CLI of the acceptance tests as
// terraform. Only the fakes' addresses (free ports instead of 8081 and 8082)
// and Terraform's questions (-auto-approve, through TF_CLI_ARGS) differ.
func TestReadmeByHandRecipe(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("tests that run the Terraform CLI run with TF_ACC=1, as make acc sets it")
	}
	terminal1, terminal2 := byHandRecipe(t)
	for _, addr := range []string{"127.0.0.1:8081", "127.0.0.1:8082"} {
		free := nettest.ClosedAddr(t)
		terminal1 = strings.ReplaceAll(terminal1, addr, free)
	}
	clone := copyRepository(t)
	bin := t.TempDir()
	if err := os.Symlink(terraformBinary(t), filepath.Join(bin, "terraform")); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"CHECKPOINT_DISABLE=1", "TF_CLI_ARGS_apply=-auto-approve", "TF_CLI_ARGS_destroy=-auto-approve"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "JSM_") && !strings.HasPrefix(kv, "PORT_") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}

	fakes := exec.Command("bash", "-euo", "pipefail", "-c", terminal1)
	fakes.Dir, fakes.Env = clone, env
	fakes.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var fakesOut bytes.Buffer
	fakes.Stdout, fakes.Stderr = &fakesOut, &fakesOut
	if err := fakes.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-fakes.Process.Pid, syscall.SIGINT)
		_ = fakes.Wait()
	})
	envFile := filepath.Join(clone, ".tools", "fakes.env")
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if _, err := os.Stat(envFile); err == nil {
			break
		}
		if time.Now().After(deadline) || fakes.ProcessState != nil {
			t.Fatalf("terminal 1 of the recipe wrote no %s:\n%s", envFile, fakesOut.String())
		}
	}

	run := exec.Command("bash", "-euo", "pipefail", "-c", terminal2)
	run.Dir, run.Env = clone, env
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("terminal 2 of the recipe failed: %v\n%s", err, out)
	}
	for _, want := range []string{"Apply complete! Resources: 6 added", "No changes.", "Destroy complete! Resources: 6 destroyed"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("terminal 2 of the recipe does not say %q:\n%s", want, out)
		}
	}
}

// byHandRecipe returns the two terminals' commands of the README's by-hand
// recipe, the shell block after its marker.
func byHandRecipe(t *testing.T) (terminal1, terminal2 string) {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- by-hand recipe")
	if !ok {
		t.Fatal("the README has no by-hand recipe marker")
	}
	_, block, _ := strings.Cut(rest, "```sh\n")
	block, _, _ = strings.Cut(block, "```\n")
	terminal1, terminal2, ok = strings.Cut(block, "# terminal 2")
	if !ok || !strings.Contains(terminal1, "# terminal 1") {
		t.Fatalf("the README's by-hand recipe has no terminal 1 and terminal 2:\n%s", block)
	}
	return terminal1, terminal2
}

// copyRepository copies the repository's files, without Git's, the tools
// and any Terraform working files, as a fresh clone has them.
func copyRepository(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	clone := t.TempDir()
	skip := map[string]bool{".git": true, ".tools": true, "dist": true, "bin": true, ".terraform": true}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if skip[d.Name()] || strings.HasSuffix(d.Name(), ".tfstate") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(clone, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return clone
}
