package provider

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestAccExamplesValidate runs terraform validate on every directory of
// examples/ that holds configuration, with the provider built from this
// repository, so that an example can never drift from the schema.
func TestAccExamplesValidate(t *testing.T) {
	tf := newTerraformCLIWithout(t, nil)
	examples := filepath.Join("..", "..", "examples")
	if err := os.CopyFS(tf.dir, os.DirFS(examples)); err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	err := filepath.WalkDir(tf.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			dirs[filepath.Dir(p)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d example directories under %s", len(dirs), examples)
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	root := tf.dir
	for _, dir := range sorted {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			tf.dir = dir
			tf.run([]int{0}, "get")
			out := tf.run([]int{0}, "validate", "-no-color")
			if !strings.Contains(out, "configuration is valid") {
				t.Fatalf("examples/%s:\n%s", rel, out)
			}
		})
	}
}
