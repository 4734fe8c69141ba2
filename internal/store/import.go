package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/internal/domain"
)

// Batch is a set of records to import with their ids, in the export format. Records
// refer to each other and to records already in the database by id.
type Batch struct {
	Sources        []domain.Source
	Vendors        []domain.Vendor
	Products       []domain.Product
	Agencies       []domain.Agency
	Licenses       []domain.License
	Terminations   []domain.Termination
	Allegations    []domain.Allegation
	Communications []domain.Communication
}

// Collections are the record collections in the order an import must create them:
// each refers only to those before it (and vendors, agencies and communications to
// others of their own kind that come first).
var Collections = []string{"sources", "vendors", "products", "agencies", "licenses", "terminations", "allegations", "communications"}

// ImportError names the record an import failed on, by collection and position.
type ImportError struct {
	Collection string
	Index      int
	Err        error
}

// Error implements the error interface.
func (e *ImportError) Error() string {
	return fmt.Sprintf("%s[%d]: %v", e.Collection, e.Index, e.Err)
}

// Unwrap returns the record's error.
func (e *ImportError) Unwrap() error { return e.Err }

// ImportCounts are the records an import created, by collection.
type ImportCounts map[string]int

// Import creates every record of the batch with its id, citations and a "create"
// revision by the context's viewer (none: the registry itself), all in one
// transaction: it all lands or none of it does. Published records need a citation of
// a published source.
func (s *Store) Import(ctx context.Context, b Batch) (ImportCounts, error) {
	return s.ImportWith(ctx, b, ImportOptions{})
}

// ImportOptions change how an import runs.
type ImportOptions struct {
	// DryRun checks everything an import would do, database constraints included, and
	// then rolls it all back.
	DryRun bool
	// Progress, when set, is told after each record is created.
	Progress func()
	// Generated skips the reference checks, for data a generator made consistent by
	// construction (the synthetic registry); the foreign keys still hold.
	Generated bool
	// ExternalIDs are the external ids of the batch's vendors, by vendor id (intake):
	// a second intake of the same file finds them (VendorsByExternalID).
	ExternalIDs map[int]string
}

// total sums import counts.
func total(c ImportCounts) int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

// ImportWith is Import with options.
func (s *Store) ImportWith(ctx context.Context, b Batch, opts ImportOptions) (ImportCounts, error) {
	counts := ImportCounts{}
	err := s.inWriteTx(ctx, func(tx *ent.Tx) error {
		im := &importer{tx: tx, store: s.within(tx.Client()), sourceStatus: map[int]string{}, progress: opts.Progress, generated: opts.Generated}
		steps := []struct {
			name string
			run  func() (int, error)
		}{
			{"sources", func() (int, error) { return importAll(ctx, im, Sources, b.Sources) }},
			{"vendors", func() (int, error) { return importAll(ctx, im, Vendors, b.Vendors) }},
			{"products", func() (int, error) { return importAll(ctx, im, Products, b.Products) }},
			{"agencies", func() (int, error) { return importAll(ctx, im, Agencies, b.Agencies) }},
			{"licenses", func() (int, error) { return importAll(ctx, im, Licenses, b.Licenses) }},
			{"terminations", func() (int, error) { return importAll(ctx, im, Terminations, b.Terminations) }},
			{"allegations", func() (int, error) { return importAll(ctx, im, Allegations, b.Allegations) }},
			{"communications", func() (int, error) { return importAll(ctx, im, Communications, b.Communications) }},
		}
		for _, st := range steps {
			n, err := st.run()
			if err != nil {
				return &ImportError{Collection: st.name, Index: n, Err: translate(err)}
			}
			counts[st.name] = n
		}
		if err := setExternalIDs(ctx, tx, opts.ExternalIDs); err != nil {
			return &ImportError{Collection: "vendors", Err: translate(err)}
		}
		if opts.DryRun {
			return errDryRun
		}
		return s.resetSequences(ctx, tx)
	})
	if err != nil && !(opts.DryRun && errors.Is(err, errDryRun)) {
		return nil, err
	}
	bulk := !opts.DryRun && total(counts) > 1000
	if bulk {
		// A bulk load leaves the planner's statistics behind: on PostgreSQL a page of
		// an export went from 20 ms to 5 s until the next autovacuum, and a batch of
		// licence documents took 30 s to render. Refresh them now.
		if err := s.analyze(ctx); err != nil {
			return nil, err
		}
	}
	if !opts.DryRun && counts["licenses"] > 0 {
		// The imported licences' documents, so that the first lists read them.
		if err := s.fillLicenseDocuments(ctx); err != nil {
			return nil, err
		}
		if bulk {
			// The documents' statistics were taken while every one was stale
			// (about a second again on 100,000 licences).
			if err := s.analyze(ctx); err != nil {
				return nil, err
			}
		}
	}
	return counts, nil
}

// inTx runs f in a transaction, committing when it returns nil. Its errors come back
// as domain errors wherever ent's have one (translate).
func (s *Store) inTx(ctx context.Context, f func(tx *ent.Tx) error) error {
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return translate(err)
	}
	return translate(tx.Commit())
}

// resetSequences moves PostgreSQL's identity sequences past ids an import set, so the
// next record created gets a fresh id. SQLite's AUTOINCREMENT does this by itself.
func (s *Store) resetSequences(ctx context.Context, tx *ent.Tx) error {
	if s.dialect != dialect.Postgres {
		return nil
	}
	for _, table := range []string{"sources", "vendors", "products", "agencies", "licenses", "terminations", "allegations", "communications", "questions", "citations", "revisions"} {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), COALESCE((SELECT MAX(id) FROM %[1]s), 0) + 1, false)`, table)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("reset %s id sequence: %w", table, err)
		}
	}
	return nil
}

// importer creates the records of one import inside its transaction.
type importer struct {
	tx *ent.Tx
	// store reads within the transaction: a revision keeps the record as it reads.
	store        *Store
	sourceStatus map[int]string
	progress     func()
	generated    bool
}

// status returns a record's status and revision, checking what publishing demands.
func (im *importer) status(ctx context.Context, r domain.Record, needsCitation bool) (string, int, error) {
	status := r.Status
	if status == "" {
		status = domain.StatusDraft
	}
	if err := domain.ValidateOneOf([]string{status}, domain.StatusDraft, domain.StatusPublished, domain.StatusRetracted); err != nil {
		return "", 0, domain.Invalid("status", err.Error())
	}
	if status == domain.StatusRetracted && (r.RetractionReason == nil || *r.RetractionReason == "") {
		return "", 0, domain.Invalid("retraction_reason", "a retracted record needs its reason")
	}
	if needsCitation && status != domain.StatusDraft {
		ok := false
		for _, c := range r.Citations {
			st, err := im.sourceState(ctx, int(c.SourceID))
			if err != nil {
				return "", 0, err
			}
			ok = ok || st == domain.StatusPublished
		}
		if !ok {
			return "", 0, domain.Invalid("citations", "a published record needs a citation of a published source")
		}
	}
	rev := r.Revision
	if rev <= 0 {
		rev = 1
	}
	return status, rev, nil
}

// sourceState returns the status of a source, "" when there is none with that id.
func (im *importer) sourceState(ctx context.Context, id int) (string, error) {
	if st, ok := im.sourceStatus[id]; ok {
		return st, nil
	}
	src, err := im.tx.Source.Query().Where(source.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return "", domain.Invalid("citations", fmt.Sprintf("source %d does not exist", id))
	}
	if err != nil {
		return "", err
	}
	im.sourceStatus[id] = string(src.Status)
	return im.sourceStatus[id], nil
}

// importAll creates the records of one collection, returning how many it created or
// the index of the one that failed.
func importAll[F, R any](ctx context.Context, im *importer, k Kind[F, R], recs []R) (int, error) {
	for i, r := range recs {
		// The record is settled whole, so that its revision keeps the dates as written.
		if err := domain.ResolveDates(&r); err != nil {
			return i, err
		}
		rec, f := k.split(r)
		if err := k.check(f); err != nil {
			return i, err
		}
		for _, c := range rec.Citations {
			if err := c.Check(); err != nil {
				return i, err
			}
		}
		if !im.generated {
			if err := checkRefs(ctx, im.tx.Client(), f); err != nil {
				return i, err
			}
		}
		status, rev, err := im.status(ctx, rec, k.cites)
		if err != nil {
			return i, err
		}
		rec.Status, rec.Revision = status, rev
		id, err := k.create(ctx, im.tx.Client(), rec, f)
		if err != nil {
			return i, err
		}
		if !k.cites {
			im.sourceStatus[id] = status
		}
		if err := im.cite(ctx, citation.RecordType(k.name), id, rec.Citations); err != nil {
			return i, err
		}
		// The revision keeps the record as it reads, as every other change's does
		// (its revision, times and citations' ids: a delta's entity is the record). A
		// generated registry's, made by the hundred thousand, keeps the record as
		// written: reading each back would cost its seeding two thirds more.
		var after any = r
		if !im.generated {
			if after, err = k.get(ctx, im.store, id); err != nil {
				return i, err
			}
		}
		if err := revise(ctx, im.tx.Client(), k.name, id, rev, revision.ActionCreate, status != domain.StatusDraft, nil, after, Edit{}); err != nil {
			return i, err
		}
		if im.progress != nil {
			im.progress()
		}
	}
	return len(recs), nil
}

// cite creates a record's citations.
func (im *importer) cite(ctx context.Context, rt citation.RecordType, id int, cites []domain.Citation) error {
	for _, c := range cites {
		if _, err := im.sourceState(ctx, int(c.SourceID)); err != nil {
			return err
		}
		b := im.tx.Citation.Create().
			SetRecordType(rt).SetRecordID(id).SetSourceID(int(c.SourceID)).
			SetFields(c.Fields).SetNillableLocator(c.Locator).
			SetConfidence(citation.Confidence(c.Confidence))
		if c.ID > 0 { // an export's citation keeps its id
			b.SetID(int(c.ID))
		}
		if err := b.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// asMap turns a record into the JSON object a revision stores.
func asMap(rec any) (map[string]any, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// Existing returns, by collection, the ids of a batch's records that the database
// already holds (in any status), ascending: an import creates records with their ids
// and never overwrites one, so each of these would make it fail.
func (s *Store) Existing(ctx context.Context, b Batch) (map[string][]int, error) {
	wanted := map[string][]int{
		"sources": ids(b.Sources), "vendors": ids(b.Vendors), "products": ids(b.Products), "agencies": ids(b.Agencies),
		"licenses": ids(b.Licenses), "terminations": ids(b.Terminations), "allegations": ids(b.Allegations),
		"communications": ids(b.Communications),
	}
	out := map[string][]int{}
	bld := entsql.Dialect(s.dialect)
	for _, collection := range Collections { // the tables are named as the collections
		want := wanted[collection]
		for len(want) > 0 {
			chunk := want[:min(len(want), 500)]
			want = want[len(chunk):]
			t := bld.Table(collection)
			query, args := bld.Select(t.C("id")).From(t).Where(entsql.InInts(t.C("id"), chunk...)).OrderBy(t.C("id")).Query()
			err := s.scanRows(ctx, query, args, func(scan func(...any) error) error {
				var id int
				if err := scan(&id); err != nil {
					return err
				}
				out[collection] = append(out[collection], id)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// ids are the ids records carry (0 for one without).
func ids[R interface{ Base() domain.Record }](recs []R) []int {
	out := make([]int, 0, len(recs))
	for _, r := range recs {
		if id := int(r.Base().ID); id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// analyze refreshes the planner's statistics of every table and index, whole.
// SQLite's PRAGMA optimize, used here before, analyses with a row limit: on 100,000
// licences it recorded 1,755 licences per vendor (there are 200) and per status
// (all are published), so the planner walked every licence in id order to find a
// country's vendor licences rather than read the vendors' index (36–53 ms for a
// country with none, against 0.3 ms). A whole ANALYZE of that registry takes about a
// second.
//
// On SQLite the samples ANALYZE also keeps (sqlite_stat4, per index) are dropped:
// with them, a prepared statement whose bound value could change the plan (a
// country, a status) is compiled again whenever another value is bound, which was
// 11% of an uncached licence list's CPU; the plans the registry depends on come from
// the per-index averages (sqlite_stat1), which TestCountryReadsAreNotCorrelated
// checks. ANALYZE sqlite_schema then reloads the statistics.
func (s *Store) analyze(ctx context.Context) error {
	analyze := "ANALYZE"
	if s.dialect == dialect.Postgres {
		// And vacuumed: a bulk load leaves every row's visibility to be checked in
		// the table, so the covering indexes (a country's licences and their
		// dates) are not read alone until the next autovacuum.
		analyze = "VACUUM (ANALYZE)"
	}
	if _, err := s.db.ExecContext(ctx, analyze); err != nil {
		return fmt.Errorf("refresh planner statistics: %w", err)
	}
	if s.dialect != dialect.SQLite {
		return nil
	}
	var samples int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat4'").Scan(&samples); err != nil {
		return err
	}
	if samples == 0 {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, "DELETE FROM sqlite_stat4; ANALYZE sqlite_schema"); err != nil {
		return fmt.Errorf("drop the planner's samples: %w", err)
	}
	return nil
}
