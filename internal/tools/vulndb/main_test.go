package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// finding is one line of govulncheck's JSON stream: a finding in called code when fn
// is set, in an imported package or required module when it is not.
func finding(osv, module, version, fn string) string {
	return fmt.Sprintf(`{"finding":{"osv":%q,"trace":[{"module":%q,"version":%q,"function":%q},{"module":"github.com/export-registry/registry","function":"New"}]}}`+"\n",
		osv, module, version, fn)
}

// TestCheck: a finding in called code fails unless the allow-list names it; an entry
// that names the module version of the fix allows it only from that version on; an
// entry no finding needs fails too, so the list shrinks when the database catches up.
func TestCheck(t *testing.T) {
	const echo = "github.com/labstack/echo/v4"
	allow := filepath.Join(t.TempDir(), "allow.txt")
	if err := os.WriteFile(allow, []byte(`# reviewed
GO-1 does not apply: we never call the proxy.
GO-2 github.com/labstack/echo/v4@v4.16.3 fixed in v4.16.3; the database lists no fix yet.
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, stream, wantErr string
	}{
		{"both allowed", finding("GO-1", echo, "v4.16.5", "Proxy") + finding("GO-2", echo, "v4.16.5", "New"), ""},
		{"the fixed version itself", finding("GO-1", echo, "v4.16.3", "Proxy") + finding("GO-2", echo, "v4.16.3", "New"), ""},
		{"unlisted", finding("GO-1", echo, "v4.16.5", "Proxy") + finding("GO-2", echo, "v4.16.5", "New") + finding("GO-3", "golang.org/x/net", "v0.61.0", "Parse"),
			"vulnerabilities in called code: GO-3 "},
		{"not called: no finding", finding("GO-1", echo, "v4.16.5", "Proxy") + finding("GO-2", echo, "v4.16.5", "New") + finding("GO-3", "golang.org/x/net", "v0.61.0", ""), ""},
		{"before the fix", finding("GO-1", echo, "v4.16.0", "Proxy") + finding("GO-2", echo, "v4.16.0", "New"),
			"GO-2 (allowed from github.com/labstack/echo/v4@v4.16.3, built with v4.16.0)"},
		{"stale entry", finding("GO-1", echo, "v4.16.5", "Proxy"), "allows GO-2, which no longer apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check(strings.NewReader(tc.stream), allow)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("check: %v, want no error", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("check: %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestParseAllow: an entry without a reason, or with a module but no valid version,
// is a mistake in the list, not an allowance.
func TestParseAllow(t *testing.T) {
	for _, text := range []string{
		"GO-1\n",
		"GO-1 github.com/labstack/echo/v4@4.16.3 fixed\n",
		"GO-1 github.com/labstack/echo/v4@v4.16.3\n",
	} {
		if _, err := parseAllow(text); err == nil {
			t.Errorf("parseAllow(%q): no error", text)
		}
	}
	got, err := parseAllow("# c\n\nGO-1 reason here\nGO-2 m@v1.2.3 reason\n")
	if err != nil || got["GO-1"] != (allowance{}) || got["GO-2"] != (allowance{"m", "v1.2.3"}) {
		t.Errorf("parseAllow: %v %v", got, err)
	}
}
