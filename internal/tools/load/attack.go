package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The attack scenario: three clients, each on an address of its own (127.0.0.2–4;
// Linux routes all of 127.0.0.0/8 to the loopback interface), send as much as the
// registry's default read limit lets one address send (50 a second, bursts of 200),
// over many connections, asking what costs the most: pages and lists with
// cache-busting query strings (unknown parameters, random search text), and Atom
// feeds filtered by random country and vendor. Meanwhile a fourth client
// (127.0.0.5), a reader, opens country profiles. The reader's latency and 5xx count
// are the result: the target is a p99 under 100 ms and no 5xx at all. wrk cannot
// choose its source address, so the clients are written here; each is bounded in
// time (the duration) and rate (its limiter), so the whole attack sends at most
// 3 × (200 + 50 × seconds) requests.

// Attack's parameters: the server's default read limit, which each attacker uses
// whole.
const (
	attackRate      = 50
	attackBurst     = 200
	attackConns     = 16                    // per attacker: twice the registry's per-client bound on requests in progress
	victimReaders   = 1                     // a person reading: one page after another
	victimPause     = 50 * time.Millisecond // reading time between answers
	attackTimeout   = 10 * time.Second      // one request's budget on the client side
	victimCountries = 10
)

// attackKinds are the attackers' requests, sent in turn: a page and a list with an
// unknown parameter (the cache key ignores it, the list refuses it), a licence list
// searching random text (valid, so never cached twice), a feed filtered by a random
// country and vendor (124,500 combinations).
var attackKinds = []string{"page ?x", "country page ?utm", "list ?x", "list ?q", "feed ?country&vendor"}

// attackResult is what the attack measured.
type attackResult struct {
	attackers map[string]map[int]int // kind of request → status → count (0: no answer)
	victim    []time.Duration        // every read of the reader
	firsts    []time.Duration        // its first read of each profile: made under the attack, not cached yet
	laters    []time.Duration        // the others
	victimBy  map[int]int
	errorLogs int
}

// attack starts a registry with its default limits on db and attacks it for dur.
func attack(binary, db string, dur time.Duration, env []string) error {
	for i := 2; i <= 5; i++ {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i))
		if err != nil {
			return fmt.Errorf("the attack needs the loopback addresses 127.0.0.2–5: %w", err)
		}
		ln.Close()
	}
	countries, err := sqlLines(db, "SELECT end_user_state FROM licenses WHERE end_user_state IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT "+strconv.Itoa(victimCountries))
	if err != nil {
		return err
	}
	codes, err := sqlLines(db, "SELECT id FROM states ORDER BY id")
	if err != nil {
		return err
	}
	vendors, err := sqlLines(db, "SELECT count(*) FROM vendors")
	if err != nil || len(vendors) != 1 {
		return fmt.Errorf("count vendors: %v", err)
	}
	nVendors, _ := strconv.Atoi(vendors[0])

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	// The registry as deployed: every limit at its default. Its log goes to a file
	// (a pipe this busy process might not drain in time would stall the server),
	// read afterwards for the lines at ERROR.
	logs, err := os.CreateTemp("", "registry-attack-*.log")
	if err != nil {
		return err
	}
	defer os.Remove(logs.Name())
	defer logs.Close()
	srv, err := serveRegistry(binary, db, addr,
		append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "REGISTRY_") }), env...), logs)
	if err != nil {
		return err
	}
	defer srv.stop()
	base := srv.base

	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	res := attackResult{attackers: map[string]map[int]int{}, victimBy: map[int]int{}}
	for _, k := range attackKinds {
		res.attackers[k] = map[int]int{}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for a := 2; a <= 4; a++ {
		client := clientFrom(fmt.Sprintf("127.0.0.%d", a), attackConns)
		lim := rate.NewLimiter(attackRate, attackBurst)
		rnd := rand.New(rand.NewPCG(uint64(a), uint64(time.Now().UnixNano())))
		var rmu sync.Mutex
		next := func() (string, string) {
			rmu.Lock()
			defer rmu.Unlock()
			n := rnd.Uint64()
			bust := strconv.FormatUint(n, 36)
			cc := codes[rnd.IntN(len(codes))]
			switch kind := attackKinds[n%uint64(len(attackKinds))]; kind {
			case "page ?x":
				return kind, "/?x=" + bust
			case "country page ?utm":
				return kind, "/countries/" + cc + "?utm_source=" + bust
			case "list ?x":
				return kind, "/api/v1/licenses?limit=100&x=" + bust
			case "list ?q":
				return kind, "/api/v1/licenses?limit=100&q=" + strconv.FormatUint(n%1_000_000, 36)
			default:
				return kind, "/feeds/changes.atom?country=" + cc + "&vendor=" + strconv.Itoa(1+rnd.IntN(max(nVendors, 1)))
			}
		}
		for range attackConns {
			wg.Go(func() {
				for lim.Wait(ctx) == nil {
					kind, path := next()
					status, _ := get(ctx, client, base+path)
					if ctx.Err() != nil {
						return // cut off by the end of the attack, not by the server
					}
					mu.Lock()
					res.attackers[kind][status]++
					mu.Unlock()
				}
			})
		}
	}
	victim := clientFrom("127.0.0.5", victimReaders)
	for r := range victimReaders {
		wg.Go(func() {
			for i := r; ctx.Err() == nil; i += victimReaders {
				start := time.Now()
				status, err := get(ctx, victim, base+"/api/v1/states/"+countries[i%len(countries)])
				if ctx.Err() != nil && err != nil {
					return // cut off by the end of the attack, not by the server
				}
				took := time.Since(start)
				mu.Lock()
				res.victim = append(res.victim, took)
				if i < len(countries) {
					res.firsts = append(res.firsts, took)
				} else {
					res.laters = append(res.laters, took)
				}
				res.victimBy[status]++
				mu.Unlock()
				select {
				case <-ctx.Done():
				case <-time.After(victimPause):
				}
			}
		})
	}
	wg.Wait()
	logged, err := os.ReadFile(logs.Name())
	if err != nil {
		return err
	}
	res.errorLogs = bytes.Count(logged, []byte(`"level":"ERROR"`))
	res.print(dur, countries, peakRSS(srv.cmd.Process.Pid))
	return nil
}

// clientFrom is an HTTP client whose connections leave from the address ip.
func clientFrom(ip string, conns int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: attackTimeout, Transport: &http.Transport{
		DialContext: d.DialContext, MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns, DisableCompression: true,
	}}
}

// get sends one request and reads the answer whole; status 0 is no answer.
func get(ctx context.Context, c *http.Client, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

func (r attackResult) print(dur time.Duration, countries []string, rss string) {
	fmt.Printf("\nattack, %s: 3 clients (127.0.0.2–4) at the default read limit (%d/s, bursts of %d), %d connections each,\n", dur, attackRate, attackBurst, attackConns)
	fmt.Printf("asking pages and lists with cache-busting query strings and feeds filtered by random country and vendor;\n")
	fmt.Printf("a reader (127.0.0.5, %d connection, a pause of %s after each answer) opens the profiles of %s\n", victimReaders, victimPause, strings.Join(countries, " "))
	fmt.Println("  attackers:")
	for _, k := range attackKinds {
		total := 0
		for _, n := range r.attackers[k] {
			total += n
		}
		fmt.Printf("    %-20s %5d requests: %s\n", k, total, statuses(r.attackers[k]))
	}
	slices.Sort(r.victim)
	slices.Sort(r.firsts)
	slices.Sort(r.laters)
	fivexx := 0
	for s, n := range r.victimBy {
		if s >= 500 || s == 0 {
			fivexx += n
		}
	}
	if len(r.victim) == 0 {
		fmt.Println("  reader: no answers")
		return
	}
	q := func(d []time.Duration, p float64) time.Duration {
		return d[min(len(d)-1, int(p*float64(len(d))))].Round(10 * time.Microsecond)
	}
	fmt.Printf("  reader: %d requests: %s; p50 %s, p99 %s, max %s; 5xx or no answer: %d\n",
		len(r.victim), statuses(r.victimBy), q(r.victim, 0.5), q(r.victim, 0.99), q(r.victim, 1), fivexx)
	if len(r.firsts) > 0 && len(r.laters) > 0 {
		fmt.Printf("    the first read of each profile (not cached yet, made under the attack): %d, p50 %s, max %s\n",
			len(r.firsts), q(r.firsts, 0.5), q(r.firsts, 1))
		fmt.Printf("    the later reads: %d, p50 %s, p99 %s, max %s\n", len(r.laters), q(r.laters, 0.5), q(r.laters, 0.99), q(r.laters, 1))
	}
	verdict := "met"
	if q(r.victim, 0.99) >= 100*time.Millisecond || fivexx > 0 {
		verdict = "MISSED"
	}
	fmt.Printf("  target (reader p99 < 100 ms, no 5xx): %s; server ERROR log lines: %d; server peak RSS: %s\n", verdict, r.errorLogs, rss)
}

// statuses lists counts by status, in order ("no answer" for 0).
func statuses(by map[int]int) string {
	keys := make([]int, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var parts []string
	for _, k := range keys {
		name := strconv.Itoa(k)
		if k == 0 {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s × %d", name, by[k]))
	}
	return strings.Join(parts, ", ")
}

// sqlLines runs a query with the database's own client and returns its lines.
func sqlLines(db, query string) ([]string, error) {
	out, err := sqlOut(db, query)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}
