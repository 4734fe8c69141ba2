package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/licensegeography"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/internal/domain"
)

// Licence documents: each licence's public JSON, as a list writes it, kept in the
// table license_documents (migration license_documents). A public JSON list of
// licences that the response cache cannot answer then walks the licences' index and
// concatenates their documents: no citations, products or columns to read and
// convert, no JSON to encode. Measured on 100,000 licences, that was most of what an
// uncached list cost (BENCHMARKS.md, the cold path).
//
// A document is never served stale:
//   - Triggers make a licence's document stale (body NULL, gen + 1) in the statement
//     that changes anything its public JSON shows: the licence, its citations, its
//     products, or a source one of its citations names. No write path can forget it.
//   - A document is written only at the gen read before its licence was read
//     (FillLicenseDocuments), so a change committed meanwhile is never covered.
//   - A document names the build that rendered it, and a list reads only this
//     build's: a new binary may write other JSON.
//   - A stale document is rendered on the spot by the licences' raw read
//     (readLicenses), the list's answer without documents; the server's keeper then
//     fills it in the background.
//
// Documents are the public rendering (citations of sources that are not public are
// left out): staff lists, which may show drafts, never read them.

// documentsTable is the licence documents' table.
const documentsTable = "license_documents"

// documentBuild names this binary: a hash of its executable, or, when that cannot
// be read, a random name, so that documents then last only as long as the process.
var documentBuild = sync.OnceValue(func() string {
	sum := sha256.New()
	if err := hashExecutable(sum); err != nil {
		var b [16]byte
		rand.Read(b[:])
		return "process-" + hex.EncodeToString(b[:])
	}
	return hex.EncodeToString(sum.Sum(nil)[:16])
})

func hashExecutable(w io.Writer) error {
	path, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// EncodeLicense is a licence's JSON as the API writes it in a list: encoding/json
// without HTML escaping, and without the encoder's newline. The API's list handler
// answers with these bytes; its tests hold them to the bytes of its own encoder.
func EncodeLicense(buf *bytes.Buffer, l *domain.License) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // the newline Encode ends with
	return nil
}

// LicenseDocuments returns a public page of licences (p.Drafts false) as their JSON
// documents, in id order, with the cursor of the next page ("" on the last) and how
// many of them were stale and rendered on the spot (a keeper should fill them).
func (s *Store) LicenseDocuments(ctx context.Context, p ListParams) ([][]byte, string, int, error) {
	if p.Drafts {
		return nil, "", 0, errors.New("licence documents are public: a list that may show drafts reads the licences")
	}
	covers := p.Covers
	p.Covers = "" // joined below
	preds, err := s.licenseFilters(ctx, p)
	if err != nil {
		return nil, "", 0, err
	}
	limit := p.limit()
	b := entsql.Dialect(s.dialect)
	t, d := b.Table(license.Table), b.Table(documentsTable).As("d")
	sel := b.Select(t.C(license.FieldID), d.C("build"), d.C("body")).From(t)
	order := t.C(license.FieldID)
	if covers != "" {
		// The licences whose geography names the country, walked in the order of
		// the geography rows' (country, license_id) index, so that reading stops
		// at the page's end: `id IN (SELECT …)`, the licences' own read, first
		// gathers every row of the country (14,946 for the largest of 100,000
		// licences) whatever the page needs (6 ms against 0.2 ms in sqlite3 for a
		// common day).
		g := b.Table(licensegeography.Table).As("g")
		on := []*entsql.Predicate{
			entsql.ColumnsEQ(g.C(licensegeography.FieldLicenseID), t.C(license.FieldID)),
			entsql.EQ(g.C(licensegeography.FieldCountry), covers),
		}
		if p.After > 0 {
			on = append(on, entsql.GT(g.C(licensegeography.FieldLicenseID), p.After))
		}
		if p.Before > 0 {
			on = append(on, entsql.LT(g.C(licensegeography.FieldLicenseID), p.Before))
		}
		sel.Join(g).OnP(entsql.And(on...))
		order = g.C(licensegeography.FieldLicenseID)
	}
	// The build is compared here, not in the query: PostgreSQL's planner, whose
	// statistics may know only another build's value (a new binary retires the
	// documents at start), took a build condition for one that almost no row
	// meets and drove the whole query from it (1.4 s a list).
	sel.LeftJoin(d).On(d.C("license_id"), t.C(license.FieldID))
	for _, p := range preds {
		p(sel)
	}
	query, args := sel.OrderBy(order).Query()
	args = append(args, limit+1)
	rows, err := s.query(ctx, query+" LIMIT "+placeholder(s.dialect, len(args)), args...)
	if err != nil {
		return nil, "", 0, err
	}
	// The documents are copied into one buffer, and sliced once it stops growing.
	var (
		arena       = make([]byte, 0, 32<<10)
		ends        []int
		ids         []int
		id          int64
		build, body sql.RawBytes // the driver's bytes, valid until the next row: copied
	)
	this := documentBuild()
	for rows.Next() {
		if err := rows.Scan(&id, &build, &body); err != nil {
			rows.Close()
			return nil, "", 0, err
		}
		ids = append(ids, int(id))
		if string(build) == this {
			arena = append(arena, body...) // none for a stale document (NULL)
		}
		ends = append(ends, len(arena))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", 0, err
	}
	ids, next := page(ids, limit, func(id int) int { return id })
	docs := make([][]byte, len(ids))
	var stale []int
	start := 0
	for i := range ids {
		docs[i] = arena[start:ends[i]:ends[i]]
		start = ends[i]
		if len(docs[i]) == 0 {
			stale = append(stale, ids[i])
		}
	}
	rendered, err := s.renderLicenses(ctx, append(preds, license.IDIn(stale...)), stale)
	if err != nil {
		return nil, "", 0, err
	}
	out := docs[:0]
	for i, id := range ids {
		if len(docs[i]) == 0 {
			doc, ok := rendered[id]
			if !ok {
				continue // gone from the list since the page was read
			}
			docs[i] = doc
		}
		out = append(out, docs[i])
	}
	return out, next, len(stale), nil
}

// renderLicenses reads the licences of ids that preds keep, as the list reads them
// without documents, and encodes each (nil: none).
func (s *Store) renderLicenses(ctx context.Context, preds []predicate.License, ids []int) (map[int][]byte, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	recs, _, err := s.readLicenses(ctx, preds, len(ids), false)
	if err != nil {
		return nil, err
	}
	out := make(map[int][]byte, len(recs))
	var buf bytes.Buffer
	for i := range recs {
		start := buf.Len()
		if err := EncodeLicense(&buf, &recs[i]); err != nil {
			return nil, err
		}
		out[int(recs[i].ID)] = buf.Bytes()[start:buf.Len():buf.Len()]
	}
	return out, nil
}

// FillLicenseDocuments renders up to n stale licence documents, lowest ids first,
// and returns how many it wrote. Each is written only if its licence has not changed
// since its gen was read: a change that commits meanwhile leaves it stale for the
// next fill. The first fill of a process also retires the documents other builds
// wrote.
func (s *Store) FillLicenseDocuments(ctx context.Context, n int) (int, error) {
	build := documentBuild()
	if err := s.retireOtherBuilds(ctx, build); err != nil {
		return 0, err
	}
	// Through the index of stale documents: SQLite's statistics of it are those
	// of the last ANALYZE, which may have found every document stale (after a
	// migration), and would then have it read the whole table for each batch. A
	// licence deleted meanwhile has no document to write (the join).
	indexed := ""
	if s.dialect == dialect.SQLite {
		indexed = " INDEXED BY license_documents_stale"
	}
	rows, err := s.db.QueryContext(ctx, rebind(s.dialect, "SELECT d.license_id, d.gen FROM license_documents AS d"+indexed+
		" JOIN licenses AS l ON l.id = d.license_id WHERE d.body IS NULL ORDER BY d.license_id LIMIT ?"), n)
	if err != nil {
		return 0, fmt.Errorf("licence documents: %w", err)
	}
	gens := map[int]int64{}
	var ids []int
	for rows.Next() {
		var (
			id  int
			gen int64
		)
		if err := rows.Scan(&id, &gen); err != nil {
			rows.Close()
			return 0, err
		}
		gens[id] = gen
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	// Read after the gens: a change from here on raises a gen, and its document
	// is not written.
	docs, err := s.renderLicenses(ctx, []predicate.License{license.IDIn(ids...)}, ids)
	if err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, rebind(s.dialect, "UPDATE license_documents SET body = ?, build = ? WHERE license_id = ? AND gen = ?"))
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	written := 0
	for id, doc := range docs {
		res, err := stmt.ExecContext(ctx, string(doc), build, id, gens[id])
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err == nil {
			written += int(n)
		}
	}
	return written, tx.Commit()
}

// fillLicenseDocuments fills every stale licence document.
func (s *Store) fillLicenseDocuments(ctx context.Context) error {
	for {
		n, err := s.FillLicenseDocuments(ctx, 1024)
		if err != nil || n == 0 {
			return err
		}
	}
}

// retiredBuilds records that a store retired the documents of other builds.
type retiredBuilds struct {
	mu   sync.Mutex
	done bool
}

// retireOtherBuilds makes stale, once a store, the documents another build wrote. It
// reads the whole table (the build has no index: see LicenseDocuments), once.
func (s *Store) retireOtherBuilds(ctx context.Context, build string) error {
	s.retired.mu.Lock()
	defer s.retired.mu.Unlock()
	if s.retired.done {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, rebind(s.dialect,
		"UPDATE license_documents SET gen = gen + 1, build = NULL, body = NULL WHERE build <> ?"), build); err != nil {
		return fmt.Errorf("licence documents of other builds: %w", err)
	}
	s.retired.done = true
	return nil
}

// rebind turns a statement's ? placeholders into the dialect's.
func rebind(d, query string) string {
	var b bytes.Buffer
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString(placeholder(d, n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}
