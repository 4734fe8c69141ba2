package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIntakeCommand: registry intake takes a MISP galaxy in as drafts (a dry run
// first, writing nothing), says so in words or JSON, creates nothing on a second run,
// and refuses a sheet naming its row and column, writing nothing.
func TestIntakeCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "registry.db")
	galaxy := filepath.Join("..", "..", "internal", "intake", "testdata", "galaxy.json")

	out, err := registry(t, "intake", "--db", db, "--dry-run", galaxy)
	if err != nil || !strings.Contains(out, "7 would create (dry run), 0 matched, 0 refused; 2 relations, 1 would be recorded") || !strings.Contains(out, `created  vendors 1 "Example Intercept" (row 1) [misp-galaxy:00000000-0000-4000-8000-000000000001]`) {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	// The galaxy's relations, each on its line: one recorded (as the parent is created
	// first), one with no place in the model.
	for _, line := range []string{
		`related  "Fictional Wiretap" is-acquired-by "Example Intercept" (row 2): would be recorded: vendors 1 (Example Intercept) owns the new draft vendors 2 (Fictional Wiretap): its parent_id`,
		`related  "Example Intercept" similar "Fictional Wiretap" (row 1): not recorded: no place in the model`,
	} {
		if !strings.Contains(out, line) {
			t.Errorf("the dry run does not say\n%s\n%s", line, out)
		}
	}
	out, err = registry(t, "intake", "--db", db, "--json", galaxy)
	if err != nil {
		t.Fatalf("intake: %v\n%s", err, out)
	}
	var rep struct {
		DryRun    bool              `json:"dry_run"`
		Created   []json.RawMessage `json:"created"`
		Relations []struct {
			Outcome string `json:"outcome"`
		} `json:"relations"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.DryRun || len(rep.Created) != 7 ||
		len(rep.Relations) != 2 || rep.Relations[1].Outcome != "recorded" {
		t.Fatalf("intake --json: %v\n%s", err, out)
	}
	out, err = registry(t, "intake", "--db", db, galaxy)
	if err != nil || !strings.Contains(out, "0 created, 7 matched, 0 refused; 2 relations, 0 recorded") || !strings.Contains(out, "(by external_id)") ||
		!strings.Contains(out, `related  "Fictional Wiretap" is-acquired-by "Example Intercept" (row 2): already recorded`) {
		t.Fatalf("second run: %v\n%s", err, out)
	}

	sheet := filepath.Join(dir, "vendors.csv")
	if err := os.WriteFile(sheet, []byte("Company,Motto\nAcme Listening,x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mapping := filepath.Join(dir, "mapping.json")
	if err := os.WriteFile(mapping, []byte(`{"Company": "name"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = registry(t, "intake", "--db", db, "--collection", "vendors", "--source", "1", "--mapping", mapping, sheet)
	if err == nil || !strings.Contains(out, `refused  row 1: column "Motto": not a field of vendors`) || !strings.Contains(out, "nothing was written") {
		t.Fatalf("unknown column: %v\n%s", err, out)
	}
	out, err = registry(t, "intake", "--db", db, "--collection", "vendors", "--source", "1", "--mapping", mapping, "--map", "Motto=description", sheet)
	if err != nil || !strings.Contains(out, `1 created, 0 matched, 0 refused`) || !strings.Contains(out, `"Acme Listening" (row 2)`) {
		t.Fatalf("mapped sheet: %v\n%s", err, out)
	}
	if _, err := registry(t, "intake", "--db", db, "--map", "nonsense", sheet); err == nil {
		t.Error("a --map without = was taken")
	}
}
