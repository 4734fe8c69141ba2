// Command vulndb builds a local Go vulnerability database for govulncheck from the
// OSV entries that the golang.org/x/vulndb module ships (data/osv), so CI can check
// for known vulnerabilities on machines that reach the Go module proxy but not
// vuln.go.dev. The database is as fresh as the pinned module version.
//
//	go run ./internal/tools/vulndb -module golang.org/x/vulndb@VERSION -out DIR
//	go run golang.org/x/vuln/cmd/govulncheck@VERSION -db file://DIR -json ./... |
//		go run ./internal/tools/vulndb -check allow.txt
//
// With -check it reads govulncheck's JSON and fails on any finding in called code
// that allow.txt does not list with its reason, and on any entry no finding needs.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

func main() {
	module := flag.String("module", "", "the vulndb module at a version, e.g. golang.org/x/vulndb@v0.0.0-…")
	out := flag.String("out", "", "the directory to write the database to")
	allow := flag.String("check", "", "read govulncheck -json on stdin and fail on findings this allow-list does not name")
	flag.Parse()
	if *allow != "" {
		if err := check(os.Stdin, *allow); err != nil {
			fmt.Fprintln(os.Stderr, "vulncheck:", err)
			os.Exit(1)
		}
		return
	}
	if *module == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: vulndb -module golang.org/x/vulndb@VERSION -out DIR")
		os.Exit(2)
	}
	if err := build(*module, *out); err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
}

// entry is the part of an OSV entry the index needs.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Events []struct {
				Fixed string `json:"fixed"`
			} `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Fixed    string    `json:"fixed,omitempty"`
}

type module struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

// build downloads the module through the Go module proxy and writes the database in
// the v1 layout govulncheck reads: index/db.json, index/modules.json,
// index/vulns.json and ID/<id>.json.
func build(mod, out string) error {
	dl, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	if err != nil {
		return fmt.Errorf("go mod download %s: %w", mod, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(dl, &info); err != nil || info.Dir == "" {
		return fmt.Errorf("go mod download %s: %s %v", mod, info.Error, err)
	}
	src := filepath.Join(info.Dir, "data", "osv")
	files, err := filepath.Glob(filepath.Join(src, "GO-*.json"))
	if err != nil {
		return err
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return err
		}
	}
	modules := map[string]*module{}
	var vulns []vuln
	var latest time.Time
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var e entry
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), b, 0o644); err != nil {
			return err
		}
		if e.Modified.After(latest) {
			latest = e.Modified
		}
		vulns = append(vulns, vuln{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases})
		for _, a := range e.Affected {
			m := modules[a.Package.Name]
			if m == nil {
				m = &module{Path: a.Package.Name}
				modules[a.Package.Name] = m
			}
			fixed := ""
			for _, r := range a.Ranges {
				for _, ev := range r.Events {
					if ev.Fixed != "" {
						fixed = ev.Fixed
					}
				}
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified, Fixed: fixed})
		}
	}
	if len(vulns) == 0 {
		return fmt.Errorf("no OSV entries under %s", src)
	}
	paths := make([]string, 0, len(modules))
	for p := range modules {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	mods := make([]*module, len(paths))
	for i, p := range paths {
		mods[i] = modules[p]
	}
	sort.Slice(vulns, func(i, j int) bool { return strings.Compare(vulns[i].ID, vulns[j].ID) < 0 })
	for name, v := range map[string]any{
		"index/db.json":      map[string]time.Time{"modified": latest},
		"index/modules.json": mods,
		"index/vulns.json":   vulns,
	} {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("vulndb: %d entries for %d modules, modified %s\n", len(vulns), len(mods), latest.Format(time.DateOnly))
	return nil
}

// check reads govulncheck's JSON stream and fails on a finding in called code (its
// trace starts at a function) unless the allow-list names it, and on an allow-list
// entry that no finding needs any more, so the list holds only what still applies.
//
// An entry is "ID reason", or "ID module@version reason" for an advisory that module
// fixed at that version while the database does not record the fix yet: such an entry
// allows the finding only while we build the module at that version or later, so a
// downgrade brings the finding back.
func check(r io.Reader, allowFile string) error {
	b, err := os.ReadFile(allowFile)
	if err != nil {
		return err
	}
	allowed, err := parseAllow(string(b))
	if err != nil {
		return fmt.Errorf("%s: %w", allowFile, err)
	}
	dec := json.NewDecoder(r)
	called := map[string]bool{}
	tooOld := map[string]string{} // an allowed finding in a version before the fix
	for {
		var msg struct {
			Finding *struct {
				OSV   string `json:"osv"`
				Trace []struct {
					Module   string `json:"module"`
					Version  string `json:"version"`
					Function string `json:"function"`
				} `json:"trace"`
			} `json:"finding"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("read govulncheck output: %w", err)
		}
		f := msg.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue
		}
		called[f.OSV] = true
		if a := allowed[f.OSV]; a.module != "" {
			if t := f.Trace[0]; t.Module == a.module && semver.Compare(t.Version, a.version) < 0 {
				tooOld[f.OSV] = fmt.Sprintf("%s (allowed from %s@%s, built with %s)", f.OSV, a.module, a.version, t.Version)
			}
		}
	}
	var bad, stale []string
	for _, id := range slices.Sorted(maps.Keys(called)) {
		switch _, ok := allowed[id]; {
		case tooOld[id] != "":
			bad = append(bad, tooOld[id])
		case !ok:
			bad = append(bad, id)
		default:
			fmt.Printf("vulncheck: %s reviewed, allowed (see %s)\n", id, allowFile)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(allowed)) {
		if !called[id] {
			stale = append(stale, id)
		}
	}
	var errs []error
	if len(bad) > 0 {
		errs = append(errs, fmt.Errorf("vulnerabilities in called code: %s (https://pkg.go.dev/vuln/ID)", strings.Join(bad, ", ")))
	}
	if len(stale) > 0 {
		errs = append(errs, fmt.Errorf("%s allows %s, which no longer apply: remove them", allowFile, strings.Join(stale, ", ")))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	fmt.Printf("vulncheck: no unreviewed vulnerabilities in called code (%d reviewed)\n", len(called))
	return nil
}

// allowance is one allow-list entry: with a module, only from that version on.
type allowance struct{ module, version string }

// parseAllow reads the allow-list: comments, blank lines, and entries with a reason.
func parseAllow(text string) (map[string]allowance, error) {
	allowed := map[string]allowance{}
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(line, "#") {
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("line %d: %s has no reason", i+1, f[0])
		}
		var a allowance
		if mod, v, ok := strings.Cut(f[1], "@"); ok {
			if len(f) < 3 || !semver.IsValid(v) {
				return nil, fmt.Errorf("line %d: want %s module@vX.Y.Z reason", i+1, f[0])
			}
			a = allowance{module: mod, version: v}
		}
		allowed[f[0]] = a
	}
	return allowed, nil
}
