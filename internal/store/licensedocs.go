package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

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
//     build's: a new binary may write other JSON. Each store makes one pass over
//     the table to render again the documents of other builds.
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

// AppendLicenseDocuments appends to dst a public page of licences (p.Drafts false):
// their JSON documents in id order, separated by commas. version is the dataset
// version the caller read before it called (DatasetVersion; "" for none): the
// documents the store's cache holds for that version are taken from it, and those
// read are kept in it (documentcache.go). It returns dst, the cursor of the next
// page ("" on the last) and where the documents came from.
func (s *Store) AppendLicenseDocuments(ctx context.Context, dst []byte, p ListParams, version string) ([]byte, string, DocumentSources, error) {
	var from DocumentSources
	query, args, preds, err := s.licensePageQuery(ctx, p)
	if err != nil {
		return dst, "", from, err
	}
	ids, err := s.readIDs(ctx, query, args)
	if err != nil {
		return dst, "", from, err
	}
	next := ""
	if limit := p.limit(); len(ids) > limit { // the row after the page: there is a next page
		ids = ids[:limit]
		next = EncodeCursor(ids[limit-1])
	}
	docs := make([][]byte, len(ids))
	missing := s.documents.take(version, ids, docs)
	from.Cached = len(ids) - len(missing)
	if len(missing) > 0 {
		if from.Rendered, err = s.readDocuments(ctx, preds, ids, missing, docs); err != nil {
			return dst, "", DocumentSources{}, err
		}
		from.Read = len(missing) - from.Rendered
		s.documents.keep(version, ids, docs)
	}
	return joinDocuments(dst, docs), next, from, nil
}

// DocumentSources counts where the documents of a page came from.
type DocumentSources struct {
	Cached   int // the store's document cache
	Read     int // the documents' table
	Rendered int // the licences: stale documents, rendered on the spot (a keeper should fill them)
}

// joinDocuments appends docs to dst separated by commas, leaving out a nil one (a
// licence gone from the list since its id was read) with its comma.
func joinDocuments(dst []byte, docs [][]byte) []byte {
	n := 0
	for _, doc := range docs {
		if doc == nil {
			continue
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		dst, n = append(dst, doc...), n+1
	}
	return dst
}

// readDocuments sets docs[i] for each i of missing to the document of licence
// ids[i], as this build rendered it, a copy of its own. A stale one (NULL: not
// rendered since its licence changed, or by another build) is rendered on the spot
// from the licence, if preds still keep it; one no longer listed stays nil. It
// returns how many were rendered.
func (s *Store) readDocuments(ctx context.Context, preds []predicate.License, ids []int, missing []int, docs [][]byte) (int, error) {
	at := make(map[int]int, len(missing))
	want := make([]int, len(missing))
	for k, i := range missing {
		at[ids[i]], want[k] = i, ids[i]
	}
	query, args := s.documentsQuery(want)
	err := s.eachDocument(ctx, query, args, func(id int64, body []byte) bool {
		if i, ok := at[int(id)]; ok && body != nil {
			docs[i] = bytes.Clone(body)
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	var stale []int
	for _, i := range missing {
		if docs[i] == nil {
			stale = append(stale, ids[i])
		}
	}
	if len(stale) == 0 {
		return 0, nil
	}
	rendered, err := s.renderLicenses(ctx, append(preds, license.IDIn(stale...)), stale)
	if err != nil {
		return 0, err
	}
	for id, doc := range rendered {
		docs[at[id]] = bytes.Clone(doc) // of its own, not pinning the others' buffer in the cache
	}
	return len(stale), nil
}

// readIDs runs query, which selects licence ids, and returns them.
func (s *Store) readIDs(ctx context.Context, query string, args []any) ([]int, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return ids, rows.Err()
}

// documentsQuery is the query of the documents of the licences ids, each read by its
// key: a licence's id and its document as this build rendered it, NULL when it is
// stale or another build's; no row for a licence that has none (gone meanwhile).
// The ids are one argument (inIDs), so that one prepared statement serves any page.
//
// The build is compared in the selected column, never in WHERE: PostgreSQL's
// planner, whose statistics may know only another build's value (a new binary
// writes its own documents after it starts), took a build condition for one that
// almost no row meets and drove a whole list's query from it (1.4 s a list).
func (s *Store) documentsQuery(ids []int) (string, []any) {
	b := entsql.Dialect(s.dialect)
	d := b.Table(documentsTable)
	body := entsql.ExprFunc(func(w *entsql.Builder) {
		w.WriteString("CASE WHEN ").WriteString(d.C("build")).WriteString(" = ").Arg(documentBuild()).
			WriteString(" THEN ").WriteString(d.C("body")).WriteString(" END")
	})
	return b.Select(d.C("license_id")).AppendSelectExpr(body).From(d).Where(inIDs(s.dialect, d.C("license_id"), ids)).Query()
}

// licensePageQuery is the query of a public page of licences (p.Drafts false): their
// ids, and one row past the page. It returns the predicates of p, which a stale
// document's rendering applies again. The documents are read apart, by their keys
// (documentsQuery), for the licences of the page the cache does not hold: joined,
// PostgreSQL's planner merged the licences with the whole documents' index, from
// its first row whatever the page's cursor, when the documents lay in id order (on
// 100,000 licences, a page of the unfiltered list after licence 75,000 read 75,101
// documents for 101; 302 ms against 5 ms; BENCHMARKS.md, session 9).
func (s *Store) licensePageQuery(ctx context.Context, p ListParams) (string, []any, []predicate.License, error) {
	if p.Drafts {
		return "", nil, nil, errors.New("licence documents are public: a list that may show drafts reads the licences")
	}
	covers := p.Covers
	p.Covers = "" // joined below
	preds, err := s.licenseFilters(ctx, p)
	if err != nil {
		return "", nil, nil, err
	}
	b := entsql.Dialect(s.dialect)
	t, g := b.Table(license.Table), b.Table(licensegeography.Table).As("g")
	var sel *entsql.Selector
	order := t.C(license.FieldID)
	if covers != "" && coversAlone(p) {
		// The geography rows alone, which carry their licence's status and
		// validity: one walk of their (country, status, license_id, dates) index,
		// as a country's list walks the licences' (ent/schema/licensegeography.go).
		order = g.C(licensegeography.FieldLicenseID)
		sel = b.Select(order).From(g).Where(entsql.EQ(g.C(licensegeography.FieldCountry), covers))
		// The licences' own conditions, on the copies: the selector's columns are g's.
		entsql.FieldIn(licensegeography.FieldStatus, p.Statuses...)(sel)
		if p.ActiveOn != nil {
			activeOn(*p.ActiveOn)(sel)
		}
		for _, r := range pageRange(order, p) {
			sel.Where(r)
		}
	} else {
		sel = b.Select(t.C(license.FieldID)).From(t)
		if covers != "" {
			sel, order = coversJoin(sel, t, g, covers, p), g.C(licensegeography.FieldLicenseID)
		}
		for _, p := range preds {
			p(sel)
		}
	}
	query, args := sel.OrderBy(order).Query()
	args = append(args, p.limit()+1)
	return query + " LIMIT " + placeholder(s.dialect, len(args)), args, preds, nil
}

// coversJoin joins to sel, which reads the licences t, the geography rows g of the
// country: the licences whose geography names it, walked in the order of the rows'
// (country, license_id) index, so that reading stops at the page's end. `id IN
// (SELECT …)`, the licences' own read, first gathers every row of the country (14,946
// for the largest of 100,000 licences) whatever the page needs (6 ms against 0.2 ms
// in sqlite3 for a common day).
func coversJoin(sel *entsql.Selector, t, g *entsql.SelectTable, country string, p ListParams) *entsql.Selector {
	on := append([]*entsql.Predicate{
		entsql.ColumnsEQ(g.C(licensegeography.FieldLicenseID), t.C(license.FieldID)),
		entsql.EQ(g.C(licensegeography.FieldCountry), country),
	}, pageRange(g.C(licensegeography.FieldLicenseID), p)...)
	return sel.Join(g).OnP(entsql.And(on...))
}

// pageRange is the page's range of licence ids (its cursor, and the end of an
// export's range), on the column id.
func pageRange(id string, p ListParams) []*entsql.Predicate {
	var r []*entsql.Predicate
	if p.After > 0 {
		r = append(r, entsql.GT(id, p.After))
	}
	if p.Before > 0 {
		r = append(r, entsql.LT(id, p.Before))
	}
	return r
}

// coversAlone reports whether a list's filters are covers= and those the geography
// rows can decide from their copies of the licence's: its status, active_on, and the
// page's id range. Any other filter (or one added to ListParams later) needs the
// licence's row.
func coversAlone(p ListParams) bool {
	rest := p
	rest.Statuses, rest.Covers, rest.ActiveOn, rest.After, rest.Before, rest.Limit, rest.Batch = nil, "", nil, 0, 0, 0, 0
	return reflect.DeepEqual(rest, ListParams{})
}

// eachDocument runs query, which selects a licence's id and its document, and calls
// each with every row until it returns false. body is valid only during the call
// (nil for NULL).
func (s *Store) eachDocument(ctx context.Context, query string, args []any, each func(id int64, body []byte) bool) error {
	if s.dialect == dialect.Postgres && s.stmts != nil {
		return s.eachDocumentPgx(ctx, query, args, each)
	}
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		id   int64
		body sql.RawBytes // the driver's bytes, valid until the next row
	)
	for rows.Next() {
		if err := rows.Scan(&id, &body); err != nil {
			return err
		}
		if !each(id, body) {
			break
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}

// eachDocumentPgx is eachDocument on PostgreSQL, through pgx itself: its rows' raw
// values are slices of the connection's read buffer, where database/sql copied each
// document into a new string, and copied it again to hand it out (on 100,000
// licences, reading and collecting those copies was a third of a miss's CPU in the
// server; BENCHMARKS.md).
func (s *Store) eachDocumentPgx(ctx context.Context, query string, args []any, each func(id int64, body []byte) bool) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("licence documents: a PostgreSQL connection of %T, not pgx's", dc)
		}
		rows, err := c.Conn().Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v := rows.RawValues()
			if len(v) != 2 || v[0] == nil {
				return fmt.Errorf("licence documents: a row of %d values", len(v))
			}
			id, err := pgInt(v[0], rows.FieldDescriptions()[0].Format)
			if err != nil {
				return err
			}
			if !each(id, v[1]) {
				break
			}
		}
		rows.Close()
		return rows.Err()
	})
}

// pgInt decodes a bigint as PostgreSQL sent it, in its binary or text format.
func pgInt(b []byte, format int16) (int64, error) {
	if format == pgx.BinaryFormatCode {
		if len(b) != 8 {
			return 0, fmt.Errorf("licence documents: an id of %d bytes", len(b))
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	}
	return strconv.ParseInt(string(b), 10, 64)
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

// FillLicenseDocuments renders up to n licence documents that are stale, or, once
// none is, of another build (a pass over the table that each store makes once), and
// writes them. It returns how many documents it looked at: 0 when none is left. A
// document is written only if its licence has not changed since its gen was read:
// a change that commits meanwhile leaves it stale for the next fill.
func (s *Store) FillLicenseDocuments(ctx context.Context, n int) (int, error) {
	// Through the index of stale documents: SQLite's statistics of it are those
	// of the last ANALYZE, which may have found every document stale (after a
	// migration), and would then have it read the whole table for each batch. A
	// licence deleted meanwhile has no document to write (the join).
	indexed := ""
	if s.dialect == dialect.SQLite {
		indexed = " INDEXED BY license_documents_stale"
	}
	docs, err := s.documentRows(ctx, "SELECT d.license_id, d.gen, d.build FROM license_documents AS d"+indexed+
		" JOIN licenses AS l ON l.id = d.license_id WHERE d.body IS NULL ORDER BY d.license_id LIMIT ?", n)
	if err != nil {
		return 0, err
	}
	if len(docs) == 0 {
		if docs, err = s.otherBuilds(ctx, n); err != nil || len(docs) == 0 {
			return 0, err
		}
	}
	gens := make(map[int]int64, len(docs))
	ids := make([]int, 0, len(docs))
	for _, d := range docs {
		if !d.current {
			gens[d.id] = d.gen
			ids = append(ids, d.id)
		}
	}
	if len(ids) == 0 {
		return len(docs), nil // all of this build
	}
	// Read after the gens: a change from here on raises a gen, and its document
	// is not written.
	bodies, err := s.renderLicenses(ctx, []predicate.License{license.IDIn(ids...)}, ids)
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
	for id, body := range bodies {
		if _, err := stmt.ExecContext(ctx, string(body), documentBuild(), id, gens[id]); err != nil {
			return 0, err
		}
	}
	return len(docs), tx.Commit()
}

// otherBuilds returns the next n documents of the store's pass over the table, in
// licence id order, from where it stopped (none: the pass is over). A new binary
// renders the documents another build wrote this way, each written once; the pass
// reads the whole table, once a store.
func (s *Store) otherBuilds(ctx context.Context, n int) ([]documentRow, error) {
	s.pass.mu.Lock()
	defer s.pass.mu.Unlock()
	if s.pass.done {
		return nil, nil
	}
	// The table alone, in its order (a licence's deletion deletes its document):
	// joined to the licences, the pass read a licence's row for each document,
	// 30 s for 100,000 on SQLite.
	docs, err := s.documentRows(ctx, "SELECT d.license_id, d.gen, d.build FROM license_documents AS d"+
		" WHERE d.license_id > ? ORDER BY d.license_id LIMIT ?", s.pass.after, n)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		s.pass.done = true
	} else {
		s.pass.after = docs[len(docs)-1].id
	}
	return docs, nil
}

// passOverBuilds is where a store's pass over the documents of other builds stands.
type passOverBuilds struct {
	mu    sync.Mutex
	after int // the last licence id looked at
	done  bool
}

// documentRow is a licence document as the fill reads it.
type documentRow struct {
	id      int
	gen     int64
	current bool // written by this build
}

// documentRows runs query (with ? placeholders), which selects license_id, gen and
// build, with args.
func (s *Store) documentRows(ctx context.Context, query string, args ...any) ([]documentRow, error) {
	rows, err := s.db.QueryContext(ctx, rebind(s.dialect, query), args...)
	if err != nil {
		return nil, fmt.Errorf("licence documents: %w", err)
	}
	defer rows.Close()
	var out []documentRow
	for rows.Next() {
		var (
			d     documentRow
			build sql.NullString
		)
		if err := rows.Scan(&d.id, &d.gen, &build); err != nil {
			return nil, err
		}
		d.current = build.Valid && build.String == documentBuild()
		out = append(out, d)
	}
	return out, rows.Err()
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
