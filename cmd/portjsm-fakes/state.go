package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// stateCounts describes a restored state file.
type stateCounts struct {
	missing              bool // no file yet: the fake Port starts empty
	blueprints, entities int
}

// loadPortState restores the fake Port from path when the file exists.
func loadPortState(port *fakeport.Server, path string) (stateCounts, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return stateCounts{missing: true}, nil
	}
	if err != nil {
		return stateCounts{}, err
	}
	if err := port.Restore(data); err != nil {
		return stateCounts{}, fmt.Errorf("%s: %w (delete the file to start with an empty fake Port)", path, err)
	}
	var n struct{ Blueprints, Entities []json.RawMessage }
	_ = json.Unmarshal(data, &n)
	return stateCounts{blueprints: len(n.Blueprints), entities: len(n.Entities)}, nil
}

// savePortState writes the fake Port's snapshot to path.
func savePortState(port *fakeport.Server, path string) error {
	data, err := port.Snapshot()
	if err != nil {
		return err
	}
	return writeFileAtomic(path, data)
}

// writeFileAtomic writes data to a temporary file (mode 0600) next to path
// and renames it over path, so that readers see the old file or the whole
// new one.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
