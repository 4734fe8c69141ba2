package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store/storetest"
)

// The browser tests drive Debian's headless Chromium through its command line, so no
// DevTools client (and no Go dependency) is needed: --dump-dom gives the DOM after
// the page loaded, --screenshot a picture, --enable-logging the console (every
// console message is a line "…:CONSOLE…] "text", source: URL (line)"), and
// --log-net-log every request the browser made. Outside hosts cannot even resolve
// (--host-resolver-rules), and the net log shows any request a page tried to make
// elsewhere.

// chromium returns the browser to drive: $CHROMIUM, or Debian's /usr/bin/chromium.
// CI installs it (.ci/run), so there a missing browser fails the test; on a
// developer's machine it skips, saying how to install it.
func chromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium is missing at %s: .ci/run installs it (apt-get install -y chromium)", path)
		}
		t.Skipf("browser test skipped: no Chromium at %s (apt-get install -y chromium, or set CHROMIUM)", path)
	}
	return path
}

// browserRun is what one Chromium run left behind.
type browserRun struct {
	stdout string
	// console are the console messages and uncaught errors the pages logged.
	console []string
	// requests are the URLs the pages requested (not the browser's own background
	// traffic, which the resolver rules block anyway).
	requests []string
}

// consoleLine matches a console message or an uncaught error in Chromium's log.
var consoleLine = regexp.MustCompile(`:CONSOLE[:(\]]|Uncaught`)

// runChromium loads pageURL in a fresh headless Chromium with extra flags
// (--dump-dom, --screenshot=…) and collects the console and the requests.
func runChromium(t *testing.T, bin, pageURL string, flags ...string) browserRun {
	t.Helper()
	dir := t.TempDir()
	netlog := filepath.Join(dir, "netlog.json")
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0",
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--log-net-log=" + netlog,
	}, flags...)
	args = append(args, pageURL)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", pageURL, err, stderr.String())
	}
	run := browserRun{stdout: stdout.String()}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if consoleLine.MatchString(line) {
			run.console = append(run.console, line)
		}
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	run.requests = pageRequests(t, netlog, u.Hostname())
	return run
}

// pageRequests reads a Chromium net log and returns the URLs requested on behalf of
// pages of host: those whose network isolation key is the registry's site, or whose
// initiator is the registry. The browser's own traffic (updates, time) has others.
func pageRequests(t *testing.T, path, host string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("net log: %v", err)
	}
	var log struct {
		Constants struct {
			EventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int            `json:"type"`
			Params map[string]any `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		// A log cut short at exit lacks its closing brackets.
		trimmed := strings.TrimRight(strings.TrimSpace(string(b)), ",")
		if err2 := json.Unmarshal([]byte(trimmed+"]}"), &log); err2 != nil {
			t.Fatalf("net log: %v", err)
		}
	}
	start, ok := log.Constants.EventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		t.Fatal("net log: no URL_REQUEST_START_JOB event type")
	}
	var out []string
	for _, e := range log.Events {
		if e.Type != start {
			continue
		}
		u, _ := e.Params["url"].(string)
		nik, _ := e.Params["network_isolation_key"].(string)
		initiator, _ := e.Params["initiator"].(string)
		if u != "" && (strings.Contains(nik, "://"+host) || strings.Contains(initiator, "://"+host)) {
			out = append(out, u)
		}
	}
	return out
}

// leaving returns the requests that are not to the registry at origin.
func leaving(requests []string, origin *url.URL) []string {
	var out []string
	for _, r := range requests {
		u, err := url.Parse(r)
		if err != nil || u.Host != origin.Host || u.Scheme != origin.Scheme {
			out = append(out, r)
		}
	}
	return out
}

// absoluteRef matches a reference in HTML or CSS to another resource: an attribute
// (src, href, action, poster, data, srcset, xlink:href) or a CSS url().
var absoluteRef = regexp.MustCompile(`(?i)(?:\b(?:src|href|action|poster|data|srcset|xlink:href)\s*=\s*["']?|url\(\s*["']?|@import\s+["'])\s*((?:[a-z][a-z0-9+.-]*:)?//[^"'\s)>]*)`)

// foreignRefs returns the absolute references in body to hosts other than host's.
func foreignRefs(body, host string) []string {
	var out []string
	for _, m := range absoluteRef.FindAllStringSubmatch(body, -1) {
		u, err := url.Parse(m[1])
		if err != nil || u.Host != host {
			out = append(out, m[1])
		}
	}
	return out
}

// fetch returns a resource's body from the test server.
func fetch(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b)
}

// TestBrowser loads the home page and Israel's page in headless Chromium, as a
// newcomer would: the DOM must hold the map, Israel, NSO Group, Pegasus and the
// claims with their sources; no console message may appear (the pages have no
// script, so any is a fault such as a CSP violation), and no request may leave the
// registry. It takes screenshots for people to look at.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	st := storetest.Open(t, "sqlite")
	if _, err := dataset.Load(domain.SystemContext(context.Background()), st, dataset.Bundled()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site(t, st))
	defer srv.Close()
	origin, _ := url.Parse(srv.URL)

	pages := []struct {
		path string
		want []string
	}{
		{"/", []string{`<svg class="worldmap"`, `href="/countries/IL"`, "Israel: 0 licences; 1 vendor headquartered there", "Latest changes", `action="/search"`}},
		{"/countries/IL", []string{"NSO Group", "Pegasus", "Licence 1: end-user licence, NSO Group", "limited in volume",
			"Material breach", `href="/sources/8"`, "Cite this", `format=csv`}},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			run := runChromium(t, bin, srv.URL+p.path, "--dump-dom")
			for _, w := range p.want {
				if !strings.Contains(run.stdout, w) {
					t.Errorf("the rendered DOM lacks %q", w)
				}
			}
			if len(run.console) > 0 {
				t.Errorf("console messages:\n%s", strings.Join(run.console, "\n"))
			}
			if len(run.requests) == 0 {
				t.Error("the net log shows no request of the page: the request detector is blind")
			}
			if out := leaving(run.requests, origin); len(out) > 0 {
				t.Errorf("requests leaving the registry: %v", out)
			}
			// The stylesheet must have loaded: the page requested it, and only it.
			if !containsPrefix(run.requests, srv.URL+"/assets/site.css?v=") {
				t.Errorf("the stylesheet was not requested: %v", run.requests)
			}

			// Statically, the page and its stylesheet reference nothing elsewhere.
			body := fetch(t, srv.URL+p.path)
			css := fetch(t, srv.URL+"/assets/site.css")
			for name, text := range map[string]string{p.path: body, "site.css": css} {
				if refs := foreignRefs(text, origin.Host); len(refs) > 0 {
					t.Errorf("%s references other hosts: %v", name, refs)
				}
			}
		})
	}

	t.Run("screenshots", func(t *testing.T) {
		dir := t.TempDir()
		for _, shot := range []struct{ name, path, size string }{
			{"home.png", "/", "1280,1600"},
			{"home-phone.png", "/", "360,1400"},
			{"country-IL.png", "/countries/IL", "1280,1600"},
			{"country-IL-phone.png", "/countries/IL", "360,1400"},
			{"country-NO.png", "/countries/NO", "1280,1200"},
		} {
			file := filepath.Join(dir, shot.name)
			run := runChromium(t, bin, srv.URL+shot.path, "--screenshot="+file, "--window-size="+shot.size)
			if len(run.console) > 0 {
				t.Errorf("%s: console messages:\n%s", shot.path, strings.Join(run.console, "\n"))
			}
			if out := leaving(run.requests, origin); len(out) > 0 {
				t.Errorf("%s: requests leaving the registry: %v", shot.path, out)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("no screenshot: %v", err)
			}
			// A blank page compresses to a few kilobytes; a rendered one is larger.
			if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 20<<10 {
				t.Errorf("%s: %d bytes, not a rendered PNG", shot.name, len(b))
			}
			t.Logf("screenshot %s: %s (%d bytes)", shot.path, file, len(b))
			if out := os.Getenv("SCREENSHOT_DIR"); out != "" {
				if err := os.MkdirAll(out, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(out, shot.name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestBrowserDetectors proves the detectors above catch what they are for, on a
// test-only handler whose pages misbehave on purpose: a console.error, an uncaught
// exception, a CSP violation and requests to other hosts. A detector that saw
// nothing here would let a broken page pass.
func TestBrowserDetectors(t *testing.T) {
	bin := chromium(t)
	pages := map[string]string{
		"/clean":         `<!doctype html><title>clean</title><p>clean</p>`,
		"/console-error": `<!doctype html><title>x</title><p>x</p><script>console.error("detector-check")</script>`,
		"/uncaught":      `<!doctype html><title>x</title><p>x</p><script>notDefinedAnywhere()</script>`,
		"/inline-style":  `<!doctype html><title>x</title><p style="color:red">x</p>`,
		"/external":      `<!doctype html><title>x</title><img alt="" src="http://images.example.invalid/x.png"><link rel="stylesheet" href="https://cdn.example.invalid/a.css">`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/inline-style" {
			w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'")
		}
		_, _ = io.WriteString(w, body)
	}))
	defer srv.Close()
	origin, _ := url.Parse(srv.URL)

	for path, want := range map[string]struct{ console, leaving bool }{
		"/clean":         {false, false},
		"/console-error": {true, false},
		"/uncaught":      {true, false},
		"/inline-style":  {true, false},
		"/external":      {false, true},
	} {
		t.Run(path, func(t *testing.T) {
			run := runChromium(t, bin, srv.URL+path, "--dump-dom")
			if got := len(run.console) > 0; got != want.console {
				t.Errorf("console detector: found %v, want %v (%q)", got, want.console, run.console)
			}
			out := leaving(run.requests, origin)
			if got := len(out) > 0; got != want.leaving {
				t.Errorf("request detector: found %v, want %v (%q)", got, want.leaving, run.requests)
			}
			if got := len(foreignRefs(pages[path], origin.Host)) > 0; got != want.leaving {
				t.Errorf("static detector: found %v, want %v", got, want.leaving)
			}
		})
	}
}
