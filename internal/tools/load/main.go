// Command load measures the registry under load on a synthetic registry, against the
// ceiling of this machine: a bare net/http handler serving the very same response
// bytes. It prints, for the country profile, a filtered licence list and the country
// page (plain, and gzip for clients that ask), the registry's requests per second as
// a share of the ceiling's and its p99 latency;
// the NDJSON export of all licences (made from the database, then served as made,
// then gzip) against `sqlite3 -json` of the same table; and the server's peak RSS.
//
//	go run ./internal/tools/load -db /tmp/registry-synthetic.db -licenses 100000
//
// Then the miss and mixed scenarios (cold.go): requests the response cache cannot
// answer, alone and among hits, a feed and exports.
//
// Then the attack scenario (attack.go): three clients on their own addresses at the
// read limit with cache-busting requests, and the latency a fourth, a reader, sees.
//
// It needs wrk and sqlite3 (Debian packages; `make load` installs them if missing).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	db := flag.String("db", filepath.Join(os.TempDir(), "registry-synthetic.db"), "the synthetic registry (created when missing)")
	n := flag.Int("licenses", 100_000, "licences in a new synthetic registry")
	binary := flag.String("registry", "", "a built registry binary (default: build one)")
	pg := flag.String("postgres", "", "load a registry on this PostgreSQL database instead (seeded synthetic when empty); the raw export baseline is psql COPY")
	conns := flag.Int("c", 32, "connections")
	dur := flag.Duration("d", 10*time.Second, "each load's duration")
	attackDur := flag.Duration("attack", 30*time.Second, "the attack scenario's duration (0: none; see attack.go)")
	baseline := flag.Bool("baseline", true, "measure the endpoints and the export against their ceilings")
	missFlag := flag.Bool("miss", true, "run the miss scenario (cold.go)")
	mixedFlag := flag.Bool("mixed", true, "run the mixed scenario (cold.go)")
	var attackEnv envFlag
	flag.Var(&attackEnv, "attack-env", "NAME=VALUE for the attacked server (repeatable; it otherwise runs with every default)")
	flag.Parse()
	if *pg != "" {
		*db = *pg
	}
	if err := run(*db, *n, *binary, *conns, *dur, *attackDur, *baseline, *missFlag, *mixedFlag, attackEnv); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(db string, n int, binary string, conns int, dur, attackDur time.Duration, baseline, missOn, mixedOn bool, attackEnv []string) error {
	postgres := strings.HasPrefix(db, "postgres")
	for _, tool := range []string{"wrk", map[bool]string{false: "sqlite3", true: "psql"}[postgres]} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (apt-get install -y wrk sqlite3)", tool)
		}
	}
	if binary == "" {
		dir, err := os.MkdirTemp("", "registry-load")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		binary = filepath.Join(dir, "registry")
		if out, err := exec.Command("go", "build", "-o", binary, "./cmd/registry").CombinedOutput(); err != nil {
			return fmt.Errorf("build: %v\n%s", err, out)
		}
	}
	if missing(db) {
		fmt.Printf("generating a synthetic registry of %d licences in %s…\n", n, db)
		start := time.Now()
		if out, err := exec.Command(binary, "seed-synthetic", "--db", db, "--licenses", strconv.Itoa(n)).CombinedOutput(); err != nil {
			return fmt.Errorf("seed-synthetic: %v\n%s", err, out)
		}
		fmt.Printf("generated in %s\n", time.Since(start).Round(time.Millisecond))
	}
	if baseline {
		if err := measure(db, binary, conns, dur); err != nil {
			return err
		}
	}
	if missOn {
		if err := miss(db, binary, conns, dur); err != nil {
			return err
		}
	}
	if mixedOn {
		raw, _, err := rawDump(db)
		if err != nil {
			return err
		}
		if err := mixed(db, binary, conns, 2*dur, raw); err != nil {
			return err
		}
	}
	if attackDur > 0 {
		return attack(binary, db, attackDur, attackEnv)
	}
	return nil
}

// measure loads the endpoints and the export against their ceilings, on a server
// whose per-client limits are lifted: wrk is one client on many connections.
func measure(db, binary string, conns int, dur time.Duration) error {
	top, err := sqlOut(db, "SELECT end_user_state FROM licenses GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
	if err != nil {
		return err
	}
	country := strings.TrimSpace(string(top))

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	srv, err := serveRegistry(binary, db, addr, unlimitedEnv(), os.Stderr)
	if err != nil {
		return err
	}
	defer srv.stop()
	base := srv.base

	fmt.Printf("\nmachine: %s, %d connections, %s per load; synthetic registry %s (largest country %s)\n\n", cpuModel(), conns, dur, db, country)
	fmt.Printf("%-44s %10s %10s %7s %9s %9s\n", "endpoint", "rps", "ceiling", "ratio", "p99", "ceil p99")
	for _, ep := range []struct{ path, encoding string }{
		{"/api/v1/states/" + country, ""},
		{"/api/v1/licenses?country=" + country + "&status=granted&limit=100", ""},
		{"/api/v1/states/" + country, "gzip"},
		{"/countries/" + country, ""}, // the page readers open
		{"/countries/" + country, "gzip"},
	} {
		body, header, err := fetch(base+ep.path, ep.encoding)
		if err != nil {
			return err
		}
		rps, p99, err := wrk(base+ep.path, ep.encoding, conns, dur)
		if err != nil {
			return err
		}
		crps, cp99, err := ceiling(body, header, ep.encoding, conns, dur)
		if err != nil {
			return err
		}
		name := ep.path
		if ep.encoding != "" {
			name += " (" + ep.encoding + ")"
		}
		fmt.Printf("%-44s %10.0f %10.0f %6.0f%% %9s %9s\n", name, rps, crps, 100*rps/crps, p99, cp99)
	}

	// Export: the registry's NDJSON of every licence against the database's own JSON
	// dump of the table. The first request of a dataset version makes the export from
	// the database (cold); later ones are served the file it made (warm).
	raw, baseline, err := rawDump(db)
	if err != nil {
		return err
	}
	fmt.Printf("\nexport licenses.ndjson against %s of the table (%s):\n", baseline, raw.Round(time.Millisecond))
	for _, e := range []struct{ what, encoding string }{
		{"cold: made from the database", "identity"},
		{"warm: the file made for this version", "identity"},
		{"gzip, first: compressed once", "gzip"},
		{"gzip, warm", "gzip"},
	} {
		took, size, err := download(base+"/api/v1/export/licenses.ndjson", e.encoding)
		if err != nil {
			return err
		}
		fmt.Printf("  %-38s %8s %5d MB → %5.2f×\n", e.what, took.Round(time.Millisecond), size>>20, took.Seconds()/raw.Seconds())
	}
	fmt.Printf("server peak RSS (VmHWM): %s\n", peakRSS(srv.cmd.Process.Pid))
	return nil
}

// envFlag collects NAME=VALUE flags.
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }

func (e *envFlag) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("%q: want NAME=VALUE", v)
	}
	*e = append(*e, v)
	return nil
}

// download reads an export whole, asking for the content coding given (an explicit
// Accept-Encoding also stops Go's client from decompressing on its own).
func download(url, encoding string) (time.Duration, int64, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Accept-Encoding", encoding)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	if got := res.Header.Get("Content-Encoding"); (got == "gzip") != (encoding == "gzip") {
		return 0, 0, fmt.Errorf("GET %s with Accept-Encoding %s: Content-Encoding %q", url, encoding, got)
	}
	size, err := io.Copy(io.Discard, res.Body)
	return time.Since(start), size, err
}

// missing reports whether the registry still has to be generated.
func missing(db string) bool {
	if strings.HasPrefix(db, "postgres") {
		out, err := sqlOut(db, "SELECT count(*) FROM licenses")
		return err != nil || strings.TrimSpace(string(out)) == "0"
	}
	_, err := os.Stat(db)
	return errors.Is(err, os.ErrNotExist)
}

// sqlOut runs one query with the database's own client.
func sqlOut(db, query string) ([]byte, error) {
	cmd := exec.Command("sqlite3", db, query)
	if strings.HasPrefix(db, "postgres") {
		cmd = exec.Command("psql", db, "-qAt", "-c", query)
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd.Args[0], err)
	}
	return out, nil
}

// fetch reads an answer whole, as sent with the content coding asked for, to serve
// the same bytes from the ceiling handler.
func fetch(url, encoding string) ([]byte, http.Header, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept-Encoding", orIdentity(encoding))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return nil, nil, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	b, err := io.ReadAll(res.Body)
	return b, res.Header, err
}

// ceiling serves body with a bare net/http handler and loads it the same way.
func ceiling(body []byte, header http.Header, encoding string, conns int, dur time.Duration) (float64, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, "", err
	}
	ct, ce := header.Get("Content-Type"), header.Get("Content-Encoding")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ct)
		if ce != "" {
			w.Header().Set("Content-Encoding", ce)
		}
		w.Write(body)
	})}
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())
	return wrk("http://"+ln.Addr().String()+"/", encoding, conns, dur)
}

func orIdentity(encoding string) string {
	if encoding == "" {
		return "identity"
	}
	return encoding
}

var (
	rpsRE = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p99RE = regexp.MustCompile(`\s99%\s+(\S+)`)
)

// wrk loads url, asking for the content coding given, and returns requests per
// second and the p99 latency.
func wrk(url, encoding string, conns int, dur time.Duration) (float64, string, error) {
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+dur.String(), "--latency", "-H", "Accept-Encoding: "+orIdentity(encoding), url).CombinedOutput()
	if err != nil {
		return 0, "", fmt.Errorf("wrk: %v\n%s", err, out)
	}
	m, p := rpsRE.FindSubmatch(out), p99RE.FindSubmatch(out)
	if m == nil || p == nil {
		return 0, "", fmt.Errorf("wrk output not understood:\n%s", out)
	}
	if bytes.Contains(out, []byte("Non-2xx")) {
		return 0, "", fmt.Errorf("wrk saw errors:\n%s", out)
	}
	rps, _ := strconv.ParseFloat(string(m[1]), 64)
	return rps, string(p[1]), nil
}

// server is a `registry serve` process the load runs against.
type server struct {
	cmd     *exec.Cmd
	base    string
	metrics string // its metrics listener's base URL
}

// serveRegistry starts `registry serve` on db at addr with the environment env and
// its log to stderr, and returns it once it answers /healthz.
func serveRegistry(binary, db, addr string, env []string, stderr io.Writer) (*server, error) {
	metrics, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, "serve", "--db", db, "--addr", addr)
	cmd.Env = append(slices.Clip(env), "REGISTRY_METRICS_ADDR="+metrics)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, metrics: "http://" + metrics}
	if err := waitHealthy(s.base); err != nil {
		s.stop()
		return nil, err
	}
	if err := waitDocuments(s.metrics); err != nil {
		s.stop()
		return nil, err
	}
	if strings.HasPrefix(db, "postgres") {
		// What autovacuum does after the keeper rewrote the documents (a new build
		// writes every one again), or a migration the geography rows (their
		// copies of the licences' dates): it is off on this kind of machine, and
		// without it PostgreSQL's planner would not read the rows' index alone.
		if out, err := exec.Command("psql", db, "-qc", "VACUUM (ANALYZE) license_documents, license_geographies").CombinedOutput(); err != nil {
			s.stop()
			return nil, fmt.Errorf("vacuum: %v\n%s", err, out)
		}
	}
	return s, nil
}

// waitDocuments waits until the server's keeper has filled the licence documents
// (a new build renders them all again), so that no measure includes that work; base
// is the server's metrics address.
func waitDocuments(base string) error {
	start := time.Now()
	for deadline := start.Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			return err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if bytes.Contains(body, []byte("\nregistry_license_documents_filling 0\n")) {
			if waited := time.Since(start); waited > time.Second {
				fmt.Printf("waited %s for the server to fill the licence documents\n", waited.Round(time.Second))
			}
			return nil
		}
	}
	return errors.New("the server did not fill the licence documents in 10 minutes")
}

// documentSources says where the server's public lists took their licence documents
// from, by its metrics: the store's document cache, the database, or rendered.
func (s *server) documentSources() string {
	res, err := http.Get(s.metrics + "/metrics")
	if err != nil {
		return "licence documents: " + err.Error()
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "licence documents: " + err.Error()
	}
	count := func(name string) float64 {
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body)
		if m == nil {
			return 0
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	cached, read, rendered := count("registry_license_documents_cached_total"), count("registry_license_documents_read_total"), count("registry_license_documents_rendered_total")
	all := max(cached+read+rendered, 1)
	return fmt.Sprintf("licence documents of the lists: %.0f%% from the document cache (%.0f), %.0f%% read from the database (%.0f), %.0f rendered",
		100*cached/all, cached, 100*read/all, read, rendered)
}

// stop ends the server as SIGINT does, letting requests in flight finish.
func (s *server) stop() { s.cmd.Process.Signal(os.Interrupt); s.cmd.Wait() }

func waitHealthy(base string) error {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
	}
	return errors.New("the server did not become healthy")
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// peakRSS reads the process's high-water resident set from /proc, with what its
// resident set is made of now: anonymous memory (the heap, SQLite's page cache) and
// pages of files mapped in (the binary; a SQLite file read through a memory map,
// REGISTRY_SQLITE_MMAP_MB, counted once for each connection that mapped a page).
func peakRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if name, v, ok := strings.Cut(line, ":"); ok {
			fields[name] = strings.TrimSpace(v)
		}
	}
	if fields["VmHWM"] == "" {
		return "unknown"
	}
	return fmt.Sprintf("%s (now %s anonymous, %s of mapped files)", fields["VmHWM"], fields["RssAnon"], fields["RssFile"])
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	cores := strings.Count(string(b), "processor\t:")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return fmt.Sprintf("%s × %d", strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":")), cores)
		}
	}
	return fmt.Sprintf("%d cores", cores)
}
