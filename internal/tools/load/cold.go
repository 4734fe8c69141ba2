package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The cold path (issue 17): requests the response cache cannot help with.
//
// The miss scenario sends, through wrk, a different licence list on every request:
// limit=100 with one of the 20 countries with the most licences and a random day
// from 2010 to 2025 (active_on), and variants with covers= instead of country= and
// with q= (a random number, so a new search each time), then the first again for a
// client that takes gzip. Its figures are set against the ceiling serving one such
// list's bytes (the gzip kind's against the ceiling serving them gzipped).
//
// The mixed scenario starts a fresh server and sends at once: cached lists (hits),
// the miss requests, Atom feeds filtered by a random country, and one CSV export of
// the licences; then, with the response cache full, the first NDJSON export of the
// licences (made from the database) alone, against the database's own JSON dump.
// The server's peak RSS is over the whole scenario.

// missWarmUp is how long the miss scenario sends its first mix before it measures.
const missWarmUp = 3 * time.Second

// missKinds are the miss scenario's request mixes, as wrk Lua expressions of a path,
// and the encoding the client accepts ("": identity).
var missKinds = []struct{ name, path, encoding string }{
	{"country & active_on", countryMiss, ""},
	{"covers & active_on", `"/api/v1/licenses?limit=100&covers=" .. country() .. "&active_on=" .. day()`, ""},
	{"country & q", `"/api/v1/licenses?limit=100&country=" .. country() .. "&q=" .. math.random(1, 9999)`, ""},
	// As browsers, Python's requests and curl --compressed ask (session 13: each
	// such miss made a new gzip writer, and cost twice a plain one).
	{"country & active_on, gzip", countryMiss, "gzip"},
}

// countryMiss is the miss scenario's first mix: a country's list on a random day.
const countryMiss = `"/api/v1/licenses?limit=100&country=" .. country() .. "&active_on=" .. day()`

// luaScript is a wrk script that asks for path (a Lua expression) on every request,
// over the countries given, each thread seeded apart.
func luaScript(countries []string, path string) string {
	quoted := make([]string, len(countries))
	for i, c := range countries {
		quoted[i] = strconv.Quote(c)
	}
	return `
local countries = {` + strings.Join(quoted, ", ") + `}
local seeded = false
function country() return countries[math.random(#countries)] end
function day()
  local t = os.time({year = 2010, month = 1, day = 1, hour = 12}) + math.random(0, 16 * 365) * 86400
  return os.date("!%Y-%m-%d", t)
end
request = function()
  if not seeded then math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16)); seeded = true end
  return wrk.format("GET", ` + path + `)
end
`
}

// wrkResult is what one wrk run measured.
type wrkResult struct {
	rps      float64
	p50, p99 string
	non2xx   int
}

var (
	p50RE    = regexp.MustCompile(`\s50%\s+(\S+)`)
	non2xxRE = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
)

// wrkScript loads base with the wrk script given, accepting encoding ("": identity).
func wrkScript(base, script, encoding string, conns int, dur time.Duration) (wrkResult, error) {
	f, err := os.CreateTemp("", "registry-load-*.lua")
	if err != nil {
		return wrkResult{}, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script); err != nil {
		return wrkResult{}, err
	}
	f.Close()
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+dur.String(), "--latency", "-H", "Accept-Encoding: "+orIdentity(encoding), "-s", f.Name(), base).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	m, p50, p99 := rpsRE.FindSubmatch(out), p50RE.FindSubmatch(out), p99RE.FindSubmatch(out)
	if m == nil || p50 == nil || p99 == nil {
		return wrkResult{}, fmt.Errorf("wrk output not understood:\n%s", out)
	}
	r := wrkResult{p50: string(p50[1]), p99: string(p99[1])}
	r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	if n := non2xxRE.FindSubmatch(out); n != nil {
		r.non2xx, _ = strconv.Atoi(string(n[1]))
	}
	return r, nil
}

// topCountries returns the n end-user states with the most licences.
func topCountries(db string, n int) ([]string, error) {
	out, err := sqlOut(db, "SELECT end_user_state FROM licenses WHERE end_user_state IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT "+strconv.Itoa(n))
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// unlimitedEnv is the environment of a server loaded by wrk, one client on many
// connections: the per-client limits lifted.
func unlimitedEnv() []string {
	return append(os.Environ(), "REGISTRY_READ_RATE=1000000000", "REGISTRY_READ_BURST=1000000000", "REGISTRY_CLIENT_CONCURRENCY=1000000", "REGISTRY_LOG_LEVEL=warn")
}

// serverLog keeps a server's log to count what it says: the registry logs every
// 503 it answers when saturated (at WARN) and every internal error (at ERROR).
type serverLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// tally says how many 503 answers and ERROR lines the log holds.
func (l *serverLog) tally() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf.Bytes()
	return fmt.Sprintf("server: %d answers of 503 (saturated: no room within the wait), %d ERROR log lines",
		bytes.Count(b, []byte(`"status":503`)), bytes.Count(b, []byte(`"level":"ERROR"`)))
}

// miss runs the miss scenario on a fresh server.
func miss(db, binary string, conns int, dur time.Duration) error {
	countries, err := topCountries(db, 20)
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	var log serverLog
	srv, err := serveRegistry(binary, db, addr, unlimitedEnv(), &log)
	if err != nil {
		return err
	}
	defer srv.stop()
	sample := "/api/v1/licenses?limit=100&country=" + countries[0] + "&active_on=2020-06-01"
	body, header, err := fetch(srv.base+sample, "")
	if err != nil {
		return err
	}
	// The ceiling is measured before the kinds and again after them: on a shared
	// machine its speed moves (10,850–17,238 req/s between runs in session 9), so
	// each ratio is against the mean of the two, and both are printed.
	before, beforeP99, err := ceiling(body, header, "", conns, dur)
	if err != nil {
		return err
	}
	// The first seconds of a fresh server are not the steady state measured
	// below: its connections and, on PostgreSQL, their processes' catalog caches
	// and plans are made by the first requests, which waited 10-60 ms each. They
	// are shown apart (missWarmUp of the first mix).
	type result struct {
		name     string
		r        wrkResult
		d        time.Duration
		encoding string
	}
	r, err := wrkScript(srv.base, luaScript(countries, missKinds[0].path), "", conns, missWarmUp)
	if err != nil {
		return err
	}
	results := []result{{"(warm-up: " + missKinds[0].name + ", " + missWarmUp.String() + ")", r, missWarmUp, ""}}
	for _, k := range missKinds {
		r, err := wrkScript(srv.base, luaScript(countries, k.path), k.encoding, conns, dur)
		if err != nil {
			return err
		}
		results = append(results, result{k.name, r, dur, k.encoding})
	}
	after, afterP99, err := ceiling(body, header, "", conns, dur)
	if err != nil {
		return err
	}
	// A gzip client's misses against the ceiling serving the sample's gzip bytes.
	gzBody, gzHeader, err := fetch(srv.base+sample, "gzip")
	if err != nil {
		return err
	}
	gzCeiling, gzP99, err := ceiling(gzBody, gzHeader, "gzip", conns, dur)
	if err != nil {
		return err
	}
	crps := (before + after) / 2
	fmt.Printf("\nmiss: every request a different list (20 countries, random days 2010–2025); ceiling %.0f req/s (p99 %s) before, %.0f (p99 %s) after, serving %s; ratios against their mean\n", before, beforeP99, after, afterP99, sample)
	if math.Abs(before-after) > 0.2*crps {
		fmt.Printf("  the ceiling moved by more than a fifth during the run: the machine's speed changed; read the ratios with care\n")
	}
	fmt.Printf("  the gzip kind against the ceiling serving that list's gzip bytes (%d of %d): %.0f req/s (p99 %s)\n", len(gzBody), len(body), gzCeiling, gzP99)
	fmt.Printf("%-36s %10s %10s %7s %9s %9s %7s\n", "request", "rps", "2xx rps", "ratio", "p50", "p99", "non-2xx")
	for _, res := range results {
		ok := res.r.rps - float64(res.r.non2xx)/res.d.Seconds() // the answers, not the 503s
		c := crps
		if res.encoding == "gzip" {
			c = gzCeiling
		}
		fmt.Printf("%-36s %10.0f %10.0f %7.3f %9s %9s %7d\n", res.name, res.r.rps, ok, ok/c, res.r.p50, res.r.p99, res.r.non2xx)
	}
	fmt.Printf("%s; peak RSS over the miss scenario (VmHWM): %s\n", log.tally(), peakRSS(srv.cmd.Process.Pid))
	fmt.Println(srv.documentSources())
	return nil
}

// mixed runs the mixed scenario on a fresh server.
func mixed(db, binary string, conns int, dur time.Duration, raw time.Duration) error {
	countries, err := topCountries(db, 20)
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	var log serverLog
	srv, err := serveRegistry(binary, db, addr, unlimitedEnv(), &log)
	if err != nil {
		return err
	}
	defer srv.stop()
	loads := []struct {
		name   string
		script string
		conns  int
	}{
		{"hits (cached lists)", luaScript(countries, `"/api/v1/licenses?limit=100&status=granted&country=" .. country()`), max(conns/2, 1)},
		{"misses (country & active_on)", luaScript(countries, missKinds[0].path), max(conns/4, 1)},
		{"misses (covers & active_on)", luaScript(countries, missKinds[1].path), max(conns/8, 1)},
		{"feeds (?country)", luaScript(countries, `"/feeds/changes.atom?country=" .. country()`), max(conns/8, 1)},
	}
	results := make([]wrkResult, len(loads))
	errs := make([]error, len(loads)+1)
	var wg sync.WaitGroup
	for i, l := range loads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = wrkScript(srv.base, l.script, "", l.conns, dur)
		}()
	}
	// One export while the rest goes on: the licences as CSV, made from the database.
	var csvTook time.Duration
	var csvSize int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(dur / 3)
		csvTook, csvSize, errs[len(loads)] = download(srv.base+"/api/v1/export/licenses.csv", "identity")
	}()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Printf("\nmixed: at once for %s on a fresh server (%d connections in all)\n", dur, conns)
	fmt.Printf("%-30s %10s %10s %9s %9s %7s\n", "request", "rps", "2xx rps", "p50", "p99", "non-2xx")
	for i, l := range loads {
		r := results[i]
		fmt.Printf("%-30s %10.0f %10.0f %9s %9s %7d\n", l.name, r.rps, r.rps-float64(r.non2xx)/dur.Seconds(), r.p50, r.p99, r.non2xx)
	}
	fmt.Printf("%-30s %10s %5d MB made under the load\n", "export licenses.csv", csvTook.Round(time.Millisecond), csvSize>>20)
	took, size, err := download(srv.base+"/api/v1/export/licenses.ndjson", "identity")
	if err != nil {
		return err
	}
	fmt.Printf("after it, the cache full: export licenses.ndjson made from the database %s, %d MB → %.2f× the database's dump (%s)\n",
		took.Round(time.Millisecond), size>>20, took.Seconds()/raw.Seconds(), raw.Round(time.Millisecond))
	fmt.Printf("%s; peak RSS over the mixed scenario (VmHWM): %s\n", log.tally(), peakRSS(srv.cmd.Process.Pid))
	fmt.Println(srv.documentSources())
	return nil
}

// rawDump times the database's own JSON dump of the licences, and names it.
func rawDump(db string) (time.Duration, string, error) {
	cmd, name := exec.Command("sqlite3", "-json", db, "SELECT * FROM licenses"), "sqlite3 -json"
	if strings.HasPrefix(db, "postgres") {
		cmd, name = exec.Command("psql", db, "-qAt", "-c", "COPY (SELECT row_to_json(l) FROM licenses l) TO STDOUT"), "psql COPY row_to_json"
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, name, fmt.Errorf("%s: %v %s", name, err, stderr.Bytes())
	}
	return time.Since(start), name, nil
}
