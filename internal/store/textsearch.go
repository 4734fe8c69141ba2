package store

import (
	"context"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// qColumns are the columns the q= filter of each list searches, by table. The
// text_search migration indexes exactly these: on SQLite an FTS5 table <table>_fts
// (trigram tokenizer, case_sensitive 0, external content kept current by the
// triggers <table>_fts_insert, _update and _delete); on PostgreSQL a GIN index
// <table>_<column>_trgm (pg_trgm's gin_trgm_ops) per column. A change here needs a
// migration that changes those objects, and TestTextSearchObjects checks they exist.
//
// states are not here: 250 rows of reference data, scanned.
var qColumns = map[string][]string{
	"licenses":       {"reference", "description"},
	"vendors":        {"name", "slug"},
	"agencies":       {"name"},
	"products":       {"name"},
	"sources":        {"title", "document_symbol"},
	"communications": {"reference", "summary"},
}

// minTrigramQ is the shortest q, in characters, that a trigram index can answer:
// FTS5's trigram tokenizer matches no row for a shorter phrase, and pg_trgm extracts
// no trigram from it. A shorter q keeps the scan, on both databases: it is bounded by
// the list's limit when the letters are common and by the table's size when not.
const minTrigramQ = 3

// qIndexRows is how many rows of a SQLite FTS5 index may contain q for the index to
// answer it. The index lists every row that does before the query reads the first
// one (about 7 µs a row here): cheap for a rare q, dearer than the scan for a common
// one, which the scan meets at once (ordered by id, it stops at the page's limit).
// Measured on 100,000 licences with text (a page of 100, public statuses, modernc
// SQLite 3.54, a busy 2-core machine): a q in no row took 3-6 ms through the index
// and 440-750 ms by the scan; a q in every row 740-765 ms through the index and
// 1-30 ms by the scan; a q in 1,111 rows, most near the end of the id order,
// 51 ms through the index and 670 ms by the scan. Under 2,048 rows the index costs
// at most some 15 ms (and counting as much again); a commoner q goes to the scan,
// which meets it within the first rows unless those rows sit at the end of the id
// order or the other filters drop them (then it costs what every q did before the
// index: the whole table). A q whose trigrams are each in most rows but which few
// rows hold costs the index ~150 ms (FTS5 walks those trigrams' lists), as much as
// the scan.
var qIndexRows = 2048 // a variable so that tests can force the scan

// qFilter returns the q= filter on table (a key of qColumns) for one query: on
// SQLite it first counts, through the index and up to qIndexRows, the rows that
// contain q, and uses the index only for a q rarer than that. A raw SQL read path
// gets the same filter here.
func (s *Store) qFilter(ctx context.Context, table, q string) (func(*sql.Selector), error) {
	if s.dialect != dialect.SQLite || !trigramQ(q) {
		return matchQ(table, q, true), nil
	}
	query, args := sql.Dialect(dialect.SQLite).Select(sql.Count("*")).
		From(ftsRowids(table, q).Limit(qIndexRows).As("m")).Query()
	rows, err := s.client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return matchQ(table, q, n < qIndexRows), nil
}

// trigramQ is whether q is long enough for a trigram index.
func trigramQ(q string) bool { return utf8.RuneCountInString(strings.ToLower(q)) >= minTrigramQ }

// matchQ is the q= filter on table (a key of qColumns): the rows one of whose
// searched columns contains q, case-insensitively, as an ent predicate any query
// on the table (ent's or a hand-built sql.Selector) can take. index says whether
// SQLite reads the FTS5 index (see qFilter); PostgreSQL's planner decides alone.
//
// The answer is always that of ent's ContainsFold on each column, the filter the
// lists had before the indexes: on PostgreSQL `col ILIKE '%q%'`, which the
// columns' pg_trgm GIN indexes answer (a bitmap OR of index scans, rechecked on the
// rows); on SQLite `LOWER(col) LIKE '%q%'`, which no index can answer, so it is
// checked only on the rows the FTS5 trigram index returns for the phrase q. That
// index folds case over all of Unicode (SQLite's LOWER and LIKE fold only ASCII),
// so its rows are a superset of the answer and the LIKE keeps the answer what it
// was, byte for byte.
func matchQ(table, q string, index bool) func(*sql.Selector) {
	cols := qColumns[table]
	if len(cols) == 0 {
		panic("store: matchQ: no searched columns for table " + table)
	}
	return func(s *sql.Selector) {
		like := make([]*sql.Predicate, len(cols))
		for i, c := range cols {
			like[i] = sql.ContainsFold(s.C(c), q)
		}
		p := sql.Or(like...)
		if index && s.Dialect() == dialect.SQLite && trigramQ(q) {
			p = sql.And(sql.In(s.C("id"), ftsRowids(table, q)), p)
		}
		s.Where(p)
	}
}

// ftsRowids selects the ids of table's rows whose FTS5 trigram index holds the
// phrase q (SQLite): a quoted FTS5 string, so that no character of q is query
// syntax; a double quote inside it is doubled.
func ftsRowids(table, q string) *sql.Selector {
	fts := table + "_fts"
	phrase := `"` + strings.ReplaceAll(strings.ToLower(q), `"`, `""`) + `"`
	return sql.Dialect(dialect.SQLite).Select("rowid").From(sql.Table(fts)).
		Where(sql.P(func(b *sql.Builder) {
			b.Ident(fts).WriteString(" MATCH ").Arg(phrase)
		}))
}
