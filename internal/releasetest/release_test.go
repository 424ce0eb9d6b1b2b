// Package releasetest checks that the release build produces what the
// Terraform registry and a filesystem_mirror require, by running goreleaser
// in snapshot mode with the repository's own .goreleaser.yml.
package releasetest

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	provider  = "portjsm"
	project   = "terraform-provider-" + provider
	address   = "registry.terraform.io/portjsm/" + provider
	repoRoot  = "../.."
	configYML = repoRoot + "/.goreleaser.yml"
)

// registryPlatforms are the targets HashiCorp's providers publish and the
// registry serves; the release must build every one of them.
var registryPlatforms = []string{
	"darwin_amd64", "darwin_arm64",
	"freebsd_386", "freebsd_amd64", "freebsd_arm", "freebsd_arm64",
	"linux_386", "linux_amd64", "linux_arm", "linux_arm64",
	"windows_386", "windows_amd64", "windows_arm64",
}

type platform struct {
	Goos   string `yaml:"goos"`
	Goarch string `yaml:"goarch"`
}

// TestReleaseConfigBuildsEveryRegistryPlatform reads the platforms out of
// .goreleaser.yml (goos x goarch minus ignore, and minus the pairs Go cannot
// build, which goreleaser leaves out too) and compares them with the
// registry's list, without building them all.
func TestReleaseConfigBuildsEveryRegistryPlatform(t *testing.T) {
	var b struct {
		Goos   []string   `yaml:"goos"`
		Goarch []string   `yaml:"goarch"`
		Ignore []platform `yaml:"ignore"`
	}
	remarshal(t, firstBuild(t, loadConfig(t)), &b)
	buildable := goPlatforms(t)
	var got []string
	for _, goos := range b.Goos {
		for _, goarch := range b.Goarch {
			if buildable[goos+"/"+goarch] && !slices.Contains(b.Ignore, platform{goos, goarch}) {
				got = append(got, goos+"_"+goarch)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, registryPlatforms) {
		t.Errorf(".goreleaser.yml builds %v, the registry's platforms are %v", got, registryPlatforms)
	}
}

// goPlatforms is the set of GOOS/GOARCH pairs this Go toolchain builds.
func goPlatforms(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	pairs := map[string]bool{}
	for _, pair := range strings.Fields(string(out)) {
		pairs[pair] = true
	}
	return pairs
}

// TestSnapshotMeetsRegistryRules runs goreleaser in snapshot mode for two
// platforms (the host's and a Windows one, whose binary has an .exe suffix)
// and checks the names and contents the registry requires; it then installs
// the host's archive from a filesystem and a network mirror, offline.
func TestSnapshotMeetsRegistryRules(t *testing.T) {
	targets := []string{runtime.GOOS + "_" + runtime.GOARCH, "windows_amd64"}
	if runtime.GOOS == "windows" {
		targets[1] = "linux_arm64"
	}
	dist := runSnapshot(t, targets)
	version := snapshotVersion(t, dist)

	var archives []string
	for _, target := range targets {
		archive := fmt.Sprintf("%s_%s_%s.zip", project, version, target)
		binary := fmt.Sprintf("%s_v%s", project, version)
		if strings.HasPrefix(target, "windows_") {
			binary += ".exe"
		}
		checkArchive(t, filepath.Join(dist, archive), binary)
		archives = append(archives, archive)
	}
	if got := filesMatching(t, dist, "*.zip"); !slices.Equal(got, sorted(archives)) {
		t.Errorf("dist holds the archives %v, want %v", got, sorted(archives))
	}

	manifestName := fmt.Sprintf("%s_%s_manifest.json", project, version)
	manifest := filepath.Join(repoRoot, "terraform-registry-manifest.json")
	checkManifest(t, manifest)

	sumsName := fmt.Sprintf("%s_%s_SHA256SUMS", project, version)
	sums := readChecksums(t, filepath.Join(dist, sumsName))
	want := map[string]string{manifestName: fileSHA256(t, manifest)}
	for _, a := range archives {
		want[a] = fileSHA256(t, filepath.Join(dist, a))
	}
	if !maps.Equal(sums, want) {
		t.Errorf("%s lists %v, want every archive and the manifest with their hashes: %v", sumsName, sums, want)
	}

	installFromMirrors(t, dist, version)
}

// runSnapshot runs goreleaser on a copy of .goreleaser.yml restricted to
// targets, with its output in a temporary directory, and returns that directory.
func runSnapshot(t *testing.T, targets []string) string {
	t.Helper()
	goreleaser := os.Getenv("GORELEASER")
	if goreleaser == "" {
		var err error
		if goreleaser, err = exec.LookPath("goreleaser"); err != nil {
			t.Fatal("no goreleaser: run make release-check, which installs it into .tools/, or set GORELEASER to its path")
		}
	}
	cfg := loadConfig(t)
	firstBuild(t, cfg)["targets"] = targets
	dist := filepath.Join(t.TempDir(), "dist")
	cfg["dist"] = dist
	restricted, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	configPath := filepath.Join(t.TempDir(), "goreleaser.yml")
	if err := os.WriteFile(configPath, restricted, 0o600); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goreleaser, "release", "--snapshot", "--clean", "--skip=sign", "--config", configPath)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("goreleaser release --snapshot: %v\n%s", err, out)
	}
	t.Logf("goreleaser release --snapshot:\n%s", out)
	return dist
}

func loadConfig(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(configYML)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("%s: %v", configYML, err)
	}
	return cfg
}

func firstBuild(t *testing.T, cfg map[string]any) map[string]any {
	t.Helper()
	builds, _ := cfg["builds"].([]any)
	if len(builds) != 1 {
		t.Fatalf("%s has %d builds, want exactly one", configYML, len(builds))
	}
	build, ok := builds[0].(map[string]any)
	if !ok {
		t.Fatalf("%s: builds[0] is not a mapping", configYML)
	}
	return build
}

func remarshal(t *testing.T, in, out any) {
	t.Helper()
	data, err := yaml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
}

// snapshotVersion is the version goreleaser gave the snapshot, from dist/metadata.json.
func snapshotVersion(t *testing.T, dist string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &meta); err != nil || meta.Version == "" {
		t.Fatalf("dist/metadata.json has no version (%v): %s", err, data)
	}
	return meta.Version
}

// checkArchive requires the provider binary, under the name Terraform looks
// for, at the top of the zip and executable.
func checkArchive(t *testing.T, path, binary string) {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("archive %s: %v", filepath.Base(path), err)
	}
	defer r.Close()
	for _, f := range r.File {
		if f.Name == binary {
			if f.Mode()&0o100 == 0 {
				t.Errorf("%s: %s is not executable (mode %v)", filepath.Base(path), binary, f.Mode())
			}
			return
		}
	}
	names := make([]string, 0, len(r.File))
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	t.Errorf("%s holds %v, not the binary %s", filepath.Base(path), names, binary)
}

// checkManifest requires the registry manifest to announce protocol 6.0,
// the protocol main.go serves.
func checkManifest(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
		t.Errorf("%s: version %d, protocol_versions %v; the registry needs version 1 and [\"6.0\"] for this provider",
			path, m.Version, m.Metadata.ProtocolVersions)
	}
}

// readChecksums parses a SHA256SUMS file: "<hex>  <name>" per line.
func readChecksums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("checksums file: %v", err)
	}
	defer f.Close()
	sums := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		hash, name, ok := strings.Cut(scanner.Text(), "  ")
		if !ok || len(hash) != 64 {
			t.Fatalf("%s: line %q is not \"<sha256>  <file>\"", filepath.Base(path), scanner.Text())
		}
		sums[name] = hash
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func filesMatching(t *testing.T, dir, pattern string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(paths))
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	return sorted(names)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
