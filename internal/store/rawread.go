package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// The raw read path: lists and exports of the busiest collections read their rows
// with SQL beside ent, scanned straight into a page of row structs that the API's
// records then point into, so a row costs no allocation per column beyond what the
// driver itself makes. ent still builds the WHERE clause from the collection's
// predicates (so every filter is defined once, for both paths), and the statements
// are prepared once per query shape.

// column is one column a raw read selects, and where in a row struct R its value is
// scanned: the one definition of a collection's column list, for the query and the
// scan alike.
type column[R any] struct {
	name string
	dest func(*R) any
}

// columns is a raw read's column list.
type columns[R any] []column[R]

// names returns the columns qualified by the table read.
func (cs columns[R]) names(t *entsql.SelectTable) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = t.C(c.name)
	}
	return out
}

// scanAll scans every row into row structs allocated in chunks (8 rows, then
// doubling up to 256: a short list costs little, an export page few allocations,
// and no row ever moves, so records may point into them); dests is the scan's
// destination list, reused from row to row.
func (cs columns[R]) scanAll(rows *sql.Rows) ([]*R, error) {
	defer rows.Close()
	var (
		out   []*R
		chunk []R
	)
	dests := make([]any, len(cs))
	for rows.Next() {
		if len(chunk) == cap(chunk) {
			chunk = make([]R, 0, min(max(2*cap(chunk), 8), 256))
		}
		chunk = chunk[:len(chunk)+1]
		r := &chunk[len(chunk)-1]
		for i, c := range cs {
			dests[i] = c.dest(r)
		}
		if err := rows.Scan(dests...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// selectPage builds the query of a page of a raw read: cols of table t, filtered by
// preds (ent predicates of the collection, applied as ent applies them), in id order,
// at most limit rows. The limit is an argument, not part of the text, so one
// prepared statement serves every page size.
func selectPage[R any, P ~func(*entsql.Selector)](d string, table string, cols columns[R], preds []P, limit int) (string, []any) {
	b := entsql.Dialect(d)
	t := b.Table(table)
	sel := b.Select(cols.names(t)...).From(t)
	for _, p := range preds {
		p(sel)
	}
	query, args := sel.OrderBy(t.C("id")).Query()
	args = append(args, limit)
	return query + " LIMIT " + placeholder(d, len(args)), args
}

// inIDs is the predicate "col is one of ids", the ids one JSON argument (idList),
// so that its text is the same for any number of them and one prepared statement
// serves every page.
func inIDs(d, col string, ids []int) *entsql.Predicate {
	return entsql.P(func(b *entsql.Builder) {
		b.Ident(col)
		if d == dialect.Postgres {
			b.WriteString(" = ANY(SELECT jsonb_array_elements_text(").Arg(idList(ids)).WriteString("::jsonb)::bigint)")
			return
		}
		b.WriteString(" IN (SELECT value FROM json_each(").Arg(idList(ids)).WriteString("))")
	})
}

// idList is ids as one query argument, a JSON list: a statement taking it has the
// same text for any number of ids.
func idList(ids []int) string {
	b := make([]byte, 0, 8*len(ids)+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(id), 10)
	}
	return string(append(b, ']'))
}

// placeholder is the n-th (from 1) argument's placeholder in the dialect.
func placeholder(d string, n int) string {
	if d == dialect.Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// maxPrepared bounds the prepared statements a store keeps: query shapes are a
// collection's filter combinations, few in practice; past the bound a query is run
// unprepared rather than a statement closed under a reader.
const maxPrepared = 256

// stmtCache holds a store's prepared statements of the raw reads, by query text.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// query runs a raw read: through the transaction in a transaction's store, else as
// a statement prepared on the database on first use.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.stmts == nil {
		return s.client.QueryContext(ctx, query, args...)
	}
	stmt, err := s.stmts.get(ctx, s.db, query)
	if err != nil {
		return nil, err
	}
	if stmt == nil {
		return s.db.QueryContext(ctx, query, args...)
	}
	return stmt.QueryContext(ctx, args...)
}

// get returns the statement of query, prepared on first use; nil when the store
// keeps as many as it may.
func (p *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if stmt, ok := p.stmts[query]; ok {
		return stmt, nil
	}
	if len(p.stmts) >= maxPrepared {
		return nil, nil
	}
	stmt, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = stmt
	return stmt, nil
}

// decodeStrings reads a JSON list of strings as ent stores a Strings field: null or
// an empty value is nil, as ent reads it. A list of plain strings is cut from the
// scanned text; anything else goes through encoding/json.
func decodeStrings(v sql.NullString) ([]string, error) {
	if !v.Valid || v.String == "" {
		return nil, nil
	}
	if out, ok := plainStrings(v.String); ok {
		return out, nil
	}
	var out []string
	err := json.Unmarshal([]byte(v.String), &out)
	return out, err
}

// plainStrings splits a JSON list of plain strings (ASCII, no escapes), as SQLite
// keeps it (["A","B"]) or PostgreSQL gives it (["A", "B"]); ok is false for anything
// else, which encoding/json then reads.
func plainStrings(text string) ([]string, bool) {
	switch text {
	case "null":
		return nil, true
	case "[]":
		return []string{}, true
	}
	for i := range len(text) {
		if c := text[i]; c == '\\' || c < 0x20 || c >= 0x80 {
			return nil, false
		}
	}
	if text[0] != '[' {
		return nil, false
	}
	out := make([]string, 0, strings.Count(text, ",")+1)
	i := 1
	for {
		for i < len(text) && text[i] == ' ' {
			i++
		}
		if i >= len(text) || text[i] != '"' {
			return nil, false
		}
		end := strings.IndexByte(text[i+1:], '"')
		if end < 0 {
			return nil, false
		}
		out = append(out, text[i+1:i+1+end])
		i += end + 2
		for i < len(text) && text[i] == ' ' {
			i++
		}
		switch {
		case i >= len(text):
			return nil, false
		case text[i] == ']':
			return out, i == len(text)-1
		case text[i] != ',':
			return nil, false
		}
		i++
	}
}
