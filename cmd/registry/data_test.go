package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/dataset/ftmtest"
)

// registry runs a command in-process and returns its output and error.
func registry(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}

// TestImportSaysWhatItWouldDo: an import (or a dry run) into a database that already
// holds records of the snapshot names them by collection and id instead of failing
// on the first with a message naming none; into an empty one, a dry run says in words
// what it would create. No summary is a Go map.
func TestImportSaysWhatItWouldDo(t *testing.T) {
	dir := t.TempDir()
	full, empty, snap := filepath.Join(dir, "full.db"), filepath.Join(dir, "empty.db"), filepath.Join(dir, "snapshot")
	bundled := filepath.Join("..", "..", "internal", "dataset", "data")
	want := "15 records: 8 sources, 1 vendor, 1 product, 0 agencies, 1 licence, 1 termination, 0 allegations, 3 communications"

	out, err := registry(t, "import", "--db", full, bundled)
	if err != nil || !strings.Contains(out, "imported "+want) {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := registry(t, "export", "--db", full, "--out", snap); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	for _, dry := range []bool{true, false} {
		args := []string{"import", "--db", full, snap}
		if dry {
			args = []string{"import", "--dry-run", "--db", full, snap}
		}
		out, err := registry(t, args...)
		if err == nil {
			t.Fatalf("%v into the database it came from succeeded:\n%s", args, out)
		}
		msg := err.Error()
		for _, w := range []string{"15 of the 15 records in " + snap + " already exist", "sources: 8 of 8, ids 1-8", "vendors: 1 of 1, id 1",
			"licences: 1 of 1, id 1", "communications: 3 of 3, ids 1-3", "never overwrites"} {
			if !strings.Contains(msg, w) {
				t.Errorf("%v: the error does not say %q:\n%s", args, w, msg)
			}
		}
		if dry != strings.HasPrefix(msg, "dry run, nothing written: ") {
			t.Errorf("%v: %q", args, msg)
		}
	}
	out, err = registry(t, "import", "--dry-run", "--db", empty, snap)
	if err != nil || !strings.Contains(out, "dry run, nothing written: the import would create "+want) || strings.Contains(out, "map[") {
		t.Errorf("a dry run into an empty database: %v\n%s", err, out)
	}
	// Nothing was written: the real import still finds the database empty.
	if out, err := registry(t, "import", "--db", empty, snap); err != nil || !strings.Contains(out, "imported "+want) {
		t.Errorf("import after the dry run: %v\n%s", err, out)
	}
}

// TestExportFtMFile: export --ftm FILE writes the public records as FollowTheMoney
// entities that keep to the FtM model, alone or beside a snapshot.
func TestExportFtMFile(t *testing.T) {
	dir := t.TempDir()
	db, file := filepath.Join(dir, "r.db"), filepath.Join(dir, "entities.ftm.json")
	if out, err := registry(t, "import", "--db", db, filepath.Join("..", "..", "internal", "dataset", "data")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := registry(t, "export", "--db", db); err == nil || !strings.Contains(err.Error(), "--ftm FILE") {
		t.Errorf("export with neither --out nor --ftm: %v\n%s", err, out)
	}
	out, err := registry(t, "export", "--db", db, "--ftm", file)
	if err != nil || !strings.Contains(out, "wrote FollowTheMoney entities to "+file) {
		t.Fatalf("export --ftm: %v\n%s", err, out)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ftmtest.Load()
	if err != nil {
		t.Fatal(err)
	}
	problems, entities := ftmtest.Validate(m, bytes.NewReader(b))
	for _, p := range problems {
		t.Error(p)
	}
	if entities["ser-vendor-1"].Schema != "Company" || entities["ser-license-1"].Schema != "License" {
		t.Errorf("vendor 1 and licence 1 are not in the file:\n%.300s", b)
	}
	snap := filepath.Join(dir, "snap")
	if out, err := registry(t, "export", "--db", db, "--out", snap, "--ftm", file); err != nil || !strings.Contains(out, "exported 15 records") {
		t.Errorf("export --out --ftm: %v\n%s", err, out)
	}
}

// TestExportDeltaFile: export --delta FILE --from V [--to W] writes the changes between
// two dataset versions: from 0, an ADD of every published record of the snapshot;
// between a version and itself, nothing. --from is required, and a version the
// registry never had is refused, naming the flag's parameter.
func TestExportDeltaFile(t *testing.T) {
	dir := t.TempDir()
	db, file, snap := filepath.Join(dir, "r.db"), filepath.Join(dir, "delta.ndjson"), filepath.Join(dir, "snap")
	if out, err := registry(t, "import", "--db", db, filepath.Join("..", "..", "internal", "dataset", "data")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := registry(t, "export", "--db", db, "--out", snap); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	// The published records of the snapshot, by type and id.
	want := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(snap, "*.ndjson"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			var rec struct{ ID, Status string }
			if json.Unmarshal(line, &rec) == nil && rec.Status == "published" {
				want[strings.TrimSuffix(filepath.Base(f), ".ndjson")+"/"+rec.ID] = true
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("no published record in the snapshot")
	}

	out, err := registry(t, "export", "--db", db, "--delta", file, "--from", "0")
	if err != nil || !strings.Contains(out, "wrote the changes from dataset version 0 to ") {
		t.Fatalf("export --delta: %v\n%s", err, out)
	}
	version := strings.Fields(strings.SplitAfter(out, "from dataset version 0 to ")[1])[0]
	b, _ := os.ReadFile(file)
	got := map[string]bool{}
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var op struct {
			Op         string
			RecordType string `json:"record_type"`
			Entity     struct{ ID string }
		}
		if err := json.Unmarshal(line, &op); err != nil || op.Op != "ADD" {
			t.Errorf("a line of the delta from 0 is not an ADD: %v %s", err, line)
		}
		got[collectionOf[op.RecordType]+"/"+op.Entity.ID] = true
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the delta from 0 adds %v, want the published records %v", got, want)
	}

	if out, err := registry(t, "export", "--db", db, "--delta", file, "--from", version, "--to", version); err != nil {
		t.Errorf("export --delta from a version to itself: %v\n%s", err, out)
	} else if b, _ := os.ReadFile(file); len(b) != 0 {
		t.Errorf("the delta from a version to itself: %q, want nothing", b)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--delta", file}, "--from"},
		{[]string{"--delta", file, "--from", "99999"}, "from: 99999 is not a dataset version"},
		{[]string{"--delta", file, "--from", version, "--to", "0"}, "from: " + version + " is later than to"},
	} {
		if out, err := registry(t, append([]string{"export", "--db", db}, bad.args...)...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("export %v: %v\n%s; want an error saying %q", bad.args, err, out, bad.want)
		}
	}
}

// collectionOf names the snapshot file of each record type.
var collectionOf = map[string]string{"vendor": "vendors", "product": "products", "agency": "agencies", "license": "licenses",
	"termination": "terminations", "allegation": "allegations", "communication": "communications", "source": "sources"}
