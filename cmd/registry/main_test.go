package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// startServe runs `registry serve` in-process on a free port and returns its base URL
// and a function that stops it (as SIGTERM would) and returns run's error.
func startServe(t *testing.T, args []string, env map[string]string) (string, func() error) {
	t.Helper()
	base, _, stop := startServeMetrics(t, args, env)
	return base, stop
}

// startServeMetrics is startServe that also returns the metrics URL serve printed
// ("" when it serves none).
func startServeMetrics(t *testing.T, args []string, env map[string]string) (string, string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	getenv := func(k string) string { return env[k] }
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), getenv, strings.NewReader(""), w, io.Discard)
		w.Close()
	}()
	lines := make(chan string, 1)
	var metrics string
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "registry metrics on "); ok {
				metrics = u // printed before the serving line, which the channel orders after it
			}
			if u, ok := strings.CutPrefix(sc.Text(), "registry serving on "); ok {
				lines <- u
			}
		}
	}()
	var base string
	select {
	case base = <-lines:
	case err := <-done:
		cancel()
		t.Fatalf("serve exited early: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	waitHealthy(t, base)
	stop := sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return errors.New("serve did not stop")
		}
	})
	t.Cleanup(func() { _ = stop() })
	return base, metrics, stop
}

// waitHealthy polls /healthz until the server answers.
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatal("server never became healthy")
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeSeed is the newcomer's path: serve --seed on an empty SQLite file, ask for
// Israel's profile, stop cleanly; serving again with --seed keeps the data as it is.
// Metrics are served only with --metrics-addr (or REGISTRY_METRICS_ADDR), on that
// listener alone, which stops with the server.
func TestServeSeed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "registry.db")
	base, metrics, stop := startServeMetrics(t, []string{"--db", db, "--seed", "--metrics-addr", "127.0.0.1:0"}, nil)
	status, body := get(t, base+"/api/v1/states/IL")
	if status != 200 || !strings.Contains(body, "NSO Group") || !strings.Contains(body, `"source_id"`) {
		t.Fatalf("GET /api/v1/states/IL: %d %.300s", status, body)
	}
	if status, _ := get(t, base+"/readyz"); status != 200 {
		t.Errorf("readyz: %d", status)
	}
	if status, _ := get(t, base+"/metrics"); status != 404 {
		t.Errorf("metrics on the public listener: %d, want 404", status)
	}
	if metrics == "" {
		t.Fatal("serve --metrics-addr did not say where the metrics are")
	}
	if status, body := get(t, metrics); status != 200 || !strings.Contains(body, `registry_http_requests_total{method="GET",route="/api/v1/states/:iso2",status="200"} 1`) {
		t.Errorf("metrics: %d, lacks the profile request count\n%.2000s", status, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if res, err := http.Get(metrics); err == nil {
		res.Body.Close()
		t.Errorf("the metrics listener outlived the server: %d", res.StatusCode)
	}

	// REGISTRY_DB names the same file; a second --seed must not load twice. Without
	// --metrics-addr there are no metrics; REGISTRY_METRICS_ADDR sets them too.
	base, metrics, stop = startServeMetrics(t, []string{"--seed"}, map[string]string{"REGISTRY_DB": db})
	if status, body := get(t, base+"/api/v1/vendors"); status != 200 || strings.Count(body, `"slug":"nso-group"`) != 1 {
		t.Errorf("vendors after a second seed: %d %.300s", status, body)
	}
	if status, _ := get(t, base+"/metrics"); metrics != "" || status != 404 {
		t.Errorf("metrics without --metrics-addr: %q, public /metrics %d", metrics, status)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, metrics, stop = startServeMetrics(t, nil, map[string]string{"REGISTRY_DB": db, "REGISTRY_METRICS_ADDR": "127.0.0.1:0"})
	if metrics == "" {
		t.Fatal("REGISTRY_METRICS_ADDR: no metrics listener")
	}
	if status, _ := get(t, metrics); status != 200 {
		t.Errorf("REGISTRY_METRICS_ADDR: %s answers %d", metrics, status)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestCommandLine checks the commands' handling of mistakes and the migrate command.
func TestCommandLine(t *testing.T) {
	ctx := context.Background()
	none := func(string) string { return "" }
	var out strings.Builder
	if err := run(ctx, []string{"migrate", "--db", filepath.Join(t.TempDir(), "m.db")}, none, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "migrated") {
		t.Errorf("migrate: %v, %q", err, out.String())
	}
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"serve", "--addr", "no-port"},
		{"serve", "--log-level", "loud"},
		{"migrate", "extra"},
		{"serve", "--no-such-flag"},
		{"serve", "--metrics-addr", "127.0.0.1:8080"}, // the public address
		{"serve", "--addr", "127.0.0.1:9100", "--metrics-addr", ":9100"},
	} {
		err := run(ctx, args, none, nil, io.Discard, io.Discard)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("run %q: %v, want a usage error", args, err)
		}
	}
	if err := run(ctx, []string{"serve", "--db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"}, none, nil, io.Discard, io.Discard); err == nil {
		t.Error("serve on an unreachable database: no error")
	}
}

// TestUserCommands: a staff member created on the command line, listed, refused a
// weak password, disabled.
func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "u.db")
	none := func(string) string { return "" }
	var out strings.Builder
	err := run(ctx, []string{"user", "add", "--db", db, "--email", "Editor@Example.org", "--role", "editor", "--name", "Ed", "--password-stdin"},
		none, strings.NewReader("correct horse battery staple 42\n"), &out, io.Discard)
	if err != nil || !strings.Contains(out.String(), "created editor editor@example.org") {
		t.Fatalf("user add: %v %q", err, out.String())
	}
	err = run(ctx, []string{"user", "add", "--db", db, "--email", "weak@example.org", "--role", "editor", "--password-stdin"},
		none, strings.NewReader("password1234\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("a common password: %v", err)
	}
	if err := run(ctx, []string{"user", "add", "--db", db, "--email", "x@example.org", "--role", "editor"}, none, strings.NewReader(""), io.Discard, io.Discard); !errors.As(err, new(usageError)) {
		t.Errorf("without --password-stdin: %v, want a usage error", err)
	}
	out.Reset()
	if err := run(ctx, []string{"user", "list", "--db", db}, none, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "editor@example.org") || strings.Contains(out.String(), "weak@") {
		t.Errorf("user list: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"user", "disable", "--db", db, "--email", "editor@example.org"}, none, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "disabled") {
		t.Errorf("user disable: %v %q", err, out.String())
	}
	out.Reset()
	_ = run(ctx, []string{"user", "list", "--db", db}, none, nil, &out, io.Discard)
	if !strings.Contains(out.String(), "true") {
		t.Errorf("the account is not shown disabled: %q", out.String())
	}
}
