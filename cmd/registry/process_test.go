package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// The tests in this file run the real binary as separate processes: crash safety,
// graceful shutdown, a backup while serving, two instances on one database.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "registry-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "registry")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build the registry: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const password = "correct horse battery staple 42"

// process is a running registry.
type process struct {
	cmd  *exec.Cmd
	base string
	done chan error
	logs *bytes.Buffer
}

// startProcess runs `registry serve` on db with env and waits until it is healthy.
func startProcess(t *testing.T, db string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--db", db, "--seed")
	// The read limit is for the public; these tests read hard on purpose.
	cmd.Env = append(append(os.Environ(), "REGISTRY_READ_RATE=100000", "REGISTRY_READ_BURST=100000"), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cmd.Stderr = &syncWriter{w: logs}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan error, 1), logs: logs}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "registry serving on "); ok {
				addr <- u
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	select {
	case p.base = <-addr:
	case err := <-p.done:
		t.Fatalf("serve exited: %v\n%s", err, logs)
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
	})
	waitHealthy(t, p.base)
	return p
}

// logged is what the server has logged so far.
func (p *process) logged() string {
	w := p.cmd.Stderr.(*syncWriter)
	w.mu.Lock()
	defer w.mu.Unlock()
	return p.logs.String()
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// addUser creates an editor with the command line.
func addUser(t *testing.T, db, email string) {
	t.Helper()
	cmd := exec.Command(binary, "user", "add", "--db", db, "--email", email, "--role", "editor", "--password-stdin")
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
}

// call sends a JSON request and decodes the answer.
func call(method, url, token string, body any, header ...string) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &m)
	return res.StatusCode, m, nil
}

func loginTo(t *testing.T, base, email string) string {
	t.Helper()
	status, m, err := call(http.MethodPost, base+"/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if err != nil || status != 200 {
		t.Fatalf("login: %d %v %v", status, m, err)
	}
	return m["access_token"].(string)
}

// burst writes sources from several goroutines until stop closes, and returns the
// ids whose creation was acknowledged.
func burst(base, token string, stop <-chan struct{}) (acked []string) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				status, m, err := call(http.MethodPost, base+"/api/v1/sources", token, map[string]any{"kind": "media", "title": fmt.Sprintf("burst %d/%d", w, i)})
				if err != nil {
					return // the server is gone
				}
				if status == http.StatusCreated {
					mu.Lock()
					acked = append(acked, m["data"].(map[string]any)["id"].(string))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return acked
}

// TestCrashSafety kills the server with SIGKILL in the middle of a write burst:
// after a restart the database is intact and every acknowledged write is there with
// its revision.
func TestCrashSafety(t *testing.T) {
	db := filepath.Join(t.TempDir(), "crash.db")
	addUser(t, db, "editor@example.org")
	p := startProcess(t, db)
	token := loginTo(t, p.base, "editor@example.org")

	stop := make(chan struct{})
	result := make(chan []string, 1)
	go func() { result <- burst(p.base, token, stop) }()
	time.Sleep(300 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	close(stop)
	acked := <-result
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}

	p2 := startProcess(t, db)
	token = loginTo(t, p2.base, "editor@example.org")
	for _, id := range acked {
		status, m, err := call(http.MethodGet, p2.base+"/api/v1/sources/"+id+"/history", token, nil)
		if err != nil || status != 200 || len(m["data"].([]any)) != 1 {
			t.Errorf("acknowledged source %s after the crash: %d %v", id, status, err)
		}
	}
	t.Logf("%d acknowledged writes survived the kill", len(acked))
	p2.cmd.Process.Signal(syscall.SIGTERM)
	<-p2.done

	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Errorf("after the crash: %v", err)
	}
}

// TestGracefulShutdown sends SIGTERM in the middle of writes: requests in flight
// finish, the process exits 0, and every acknowledged write is kept.
func TestGracefulShutdown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "term.db")
	addUser(t, db, "editor@example.org")
	tmp := t.TempDir()
	p := startProcess(t, db, "TMPDIR="+tmp)
	token := loginTo(t, p.base, "editor@example.org")
	if res, err := http.Get(p.base + "/api/v1/export/sources.ndjson"); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}
	if kept, _ := filepath.Glob(filepath.Join(tmp, "registry-exports-*", "v*-sources.ndjson")); len(kept) != 1 {
		t.Fatalf("exports kept in %s: %v, want the one made", tmp, kept)
	}
	stop := make(chan struct{})
	result := make(chan []string, 1)
	go func() { result <- burst(p.base, token, stop) }()
	time.Sleep(300 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, p.logs)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	close(stop)
	if left, _ := filepath.Glob(filepath.Join(tmp, "registry-exports-*")); len(left) != 0 {
		t.Errorf("the exports kept outlived the process: %v", left)
	}
	acked := <-result
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := sourceCount(db)
	if err != nil || n < len(acked)+8 {
		t.Errorf("%d sources after shutdown, want the 8 bundled and %d acknowledged (%v)", n, len(acked), err)
	}
}

// TestBackupWhileServing copies the database while writes go on; the copy opens,
// passes the integrity check, and holds every write acknowledged before the copy.
func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	addUser(t, db, "editor@example.org")
	p := startProcess(t, db)
	token := loginTo(t, p.base, "editor@example.org")
	stop := make(chan struct{})
	result := make(chan []string, 1)
	go func() { result <- burst(p.base, token, stop) }()
	time.Sleep(200 * time.Millisecond)
	_, before, _ := call(http.MethodGet, p.base+"/api/v1/sources?status=draft&limit=500", token, nil)
	copyFile := filepath.Join(dir, "copy.db")
	if out, err := exec.Command(binary, "backup", "--db", db, "--out", copyFile).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	close(stop)
	<-result
	st, err := store.Open(context.Background(), copyFile)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Fatalf("the copy: %v", err)
	}
	for _, rec := range before["data"].([]any) {
		id := rec.(map[string]any)["id"].(string)
		n, err := strconv.Atoi(id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetSource(domain.SystemContext(context.Background()), n, true); err != nil {
			t.Errorf("source %s, written before the backup, is not in the copy: %v", id, err)
		}
	}
	if out, err := exec.Command(binary, "backup", "--db", db, "--out", copyFile).CombinedOutput(); err == nil {
		t.Errorf("a backup over an existing file succeeded: %s", out)
	}
}

// TestTwoInstances runs two server processes on one PostgreSQL database: a write
// through A is read through B, a logout through A kills the token on B, and both
// name the same dataset_version.
func TestTwoInstances(t *testing.T) {
	dsn := storetest.DSN(t, "postgres")
	addUser(t, dsn, "editor@example.org")
	a := startProcess(t, dsn)
	b := startProcess(t, dsn)
	token := loginTo(t, a.base, "editor@example.org")

	status, m, _ := call(http.MethodPost, a.base+"/api/v1/sources", token, map[string]any{"kind": "media", "title": "Written through A"})
	if status != 201 {
		t.Fatalf("write through A: %d %v", status, m)
	}
	id := m["data"].(map[string]any)["id"].(string)
	if status, _, _ := call(http.MethodPost, b.base+"/api/v1/sources/"+id+"/publish", token, nil); status != 200 {
		t.Fatalf("A's token on B: %d", status)
	}
	status, m, _ = call(http.MethodGet, b.base+"/api/v1/sources/"+id, "", nil)
	if status != 200 || m["data"].(map[string]any)["title"] != "Written through A" {
		t.Errorf("read through B: %d %v", status, m)
	}
	va := versionOf(t, a.base)
	if vb := versionOf(t, b.base); va != vb {
		t.Errorf("dataset_version on A %s, on B %s", va, vb)
	}
	if status, _, _ := call(http.MethodPost, a.base+"/api/v1/auth/logout", token, nil); status != 204 {
		t.Fatalf("logout through A: %d", status)
	}
	if status, _, _ := call(http.MethodGet, b.base+"/api/v1/auth/me", token, nil); status != 401 {
		t.Errorf("the logged-out token on B: %d, want 401", status)
	}
}

func versionOf(t *testing.T, base string) string {
	t.Helper()
	_, m, err := call(http.MethodGet, base+"/api/v1/version", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return m["data"].(map[string]any)["dataset_version"].(string)
}

// TestCrashedExportsSwept: a process killed outright leaves its kept exports behind;
// the next process to keep exports removes them.
func TestCrashedExportsSwept(t *testing.T) {
	db := filepath.Join(t.TempDir(), "swept.db")
	tmp := t.TempDir()
	export := func(p *process) {
		t.Helper()
		res, err := http.Get(p.base + "/api/v1/export/sources.ndjson")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	first := startProcess(t, db, "TMPDIR="+tmp)
	export(first)
	left, _ := filepath.Glob(filepath.Join(tmp, "registry-exports-*"))
	if len(left) != 1 {
		t.Fatalf("export directories %v, want one", left)
	}
	first.cmd.Process.Kill()
	<-first.done

	second := startProcess(t, db, "TMPDIR="+tmp)
	export(second)
	now, _ := filepath.Glob(filepath.Join(tmp, "registry-exports-*"))
	if len(now) != 1 || now[0] == left[0] {
		t.Errorf("export directories after a crash and a restart: %v (the crashed one was %s)", now, left[0])
	}
}

// sourceCount counts the sources of a SQLite registry, drafts included, beneath the
// store.
func sourceCount(path string) (int, error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	return n, db.QueryRow("SELECT count(*) FROM sources").Scan(&n)
}
