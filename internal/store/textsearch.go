package store

import (
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

// matchQ is the q= filter on table (a key of qColumns): the rows one of whose
// searched columns contains q, case-insensitively, as an ent predicate any query
// on the table (ent's or a hand-built sql.Selector) can take.
//
// The answer is always that of ent's ContainsFold on each column, the filter the
// lists had before the indexes: on PostgreSQL `col ILIKE '%q%'`, which the
// columns' pg_trgm GIN indexes answer (a bitmap OR of index scans, rechecked on the
// rows); on SQLite `LOWER(col) LIKE '%q%'`, which no index can answer, so it is
// checked only on the rows the FTS5 trigram index returns for the phrase q. That
// index folds case over all of Unicode (SQLite's LOWER and LIKE fold only ASCII),
// so its rows are a superset of the answer and the LIKE keeps the answer what it
// was, byte for byte.
func matchQ(table, q string) func(*sql.Selector) {
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
		if s.Dialect() == dialect.SQLite && utf8.RuneCountInString(strings.ToLower(q)) >= minTrigramQ {
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
