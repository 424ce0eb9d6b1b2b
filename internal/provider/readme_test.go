package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
