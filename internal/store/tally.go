package store

import (
	"context"
	"strconv"
	"sync"

	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/internal/domain"
)

// The two largest counts of a country profile are its published licences as
// end-user state and as exporting state (14,946 licences to PA of 100,000): counted
// one country at a time they were a quarter of the CPU of building a profile. A
// tally counts every country's at once, in one statement that also reads the
// dataset version it saw, and serves every public profile until the version moves.
// Staff profiles, which count drafts, still count directly.

// licenseTally is the published licences of every country by the columns of
// tallyColumns, as of one dataset version.
type licenseTally struct {
	mu      sync.Mutex
	version string
	counts  map[string]map[string]int // column → country → published licences
}

// tallyColumns are the licence columns the tally counts by.
var tallyColumns = []string{license.FieldEndUserState, license.FieldExportingState}

// tallyQuery counts the published licences by each of tallyColumns, beside the
// dataset version, in one statement: one snapshot on both databases.
var tallyQuery = func() string {
	q := "SELECT '', '', (" + versionQuery + ")"
	for _, c := range tallyColumns {
		q += " UNION ALL SELECT '" + c + "', " + c + ", COUNT(*) FROM " + license.Table +
			" WHERE status = '" + domain.StatusPublished + "' AND " + c + " IS NOT NULL GROUP BY " + c
	}
	return q
}()

// publishedLicenses returns how many published licences name code in column (one of
// tallyColumns), and false when the tally cannot say for the current dataset version
// (a transaction's store, or a change that landed while it was counted): the caller
// counts directly then.
func (s *Store) publishedLicenses(ctx context.Context, column, code string) (int, bool, error) {
	t := s.tally
	if t == nil {
		return 0, false, nil
	}
	v, err := s.DatasetVersion(ctx)
	if err != nil {
		return 0, false, err
	}
	t.mu.Lock() // one count at a time; the profiles that wait for it then use it
	defer t.mu.Unlock()
	if t.version != v {
		if err := t.read(ctx, s); err != nil {
			return 0, false, err
		}
	}
	if t.version != v {
		return 0, false, nil
	}
	return t.counts[column][code], true, nil
}

// read counts again.
func (t *licenseTally) read(ctx context.Context, s *Store) error {
	rows, err := s.query(ctx, tallyQuery)
	if err != nil {
		return err
	}
	defer rows.Close()
	version, counts := "", map[string]map[string]int{}
	for rows.Next() {
		var (
			column, code string
			n            int64
		)
		if err := rows.Scan(&column, &code, &n); err != nil {
			return err
		}
		if column == "" {
			version = strconv.FormatInt(n, 10)
			continue
		}
		if counts[column] == nil {
			counts[column] = map[string]int{}
		}
		counts[column][code] = int(n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	t.version, t.counts = version, counts
	return nil
}
