// Package search is the registry's typo-tolerant, ranked search across vendors,
// products, agencies, states and sources.
//
// It is an in-process index rather than SQL (LIKE, pg_trgm, FTS5) because the
// registry must give the same answers on SQLite and PostgreSQL: the caller loads
// the searchable texts as Entry values, builds an Index with New, and rebuilds it
// when the dataset changes. An Index is immutable and safe for concurrent use.
//
// # Normalization
//
// Query and texts go through Normalize: lower case, a documented set of accented
// Latin letters folded to ASCII, punctuation ("/", "-", "." …) turned into spaces,
// whitespace collapsed, digits kept. "A/HRC/41/35" and "a hrc 41 35" are therefore
// the same text, and so are "México" and "mexico".
//
// # Scoring
//
// An entry's score is the best of these measures, each in (0, 1]:
//
//   - exact: the normalized texts are equal → 1.0.
//   - compact: equal once spaces are removed ("fin fisher" / "FinFisher") → 0.95.
//   - phrase: the query is a run of whole words of the text ("nso" in "NSO Group")
//     → 0.8 + 0.15·coverage, +0.03 when the run starts the text; coverage is the
//     query's share of the text's runes, so the tighter match wins.
//   - prefix: as phrase, but the query's last word only starts a word
//     ("pegasu", search as you type) → 0.7 + 0.2·coverage.
//   - substring: the query occurs inside the text off word boundaries
//     → 0.4 + 0.4·coverage.
//   - trigram: pg_trgm-style similarity, |A∩B| / |A∪B| over the padded word
//     trigrams of query and text → 0.85·similarity.
//   - words: every query word is matched to its most similar text word, by
//     equality, by being a prefix of it, or by optimal string alignment
//     (Damerau–Levenshtein with adjacent transpositions) within 1 edit for words of
//     3–5 runes and 2 edits for longer ones; words of 1–2 runes and words holding
//     digits must match exactly, because "41/35" and "41/36" are different
//     documents. The per-word similarities (1 − distance/longer length) are
//     averaged weighted by query word length, and scaled by 0.7 + 0.3·(share of
//     the text's runes matched) → 0.85·average·scale. "NSO Grup" / "NSO Group"
//     scores 0.85·(3·1 + 4·0.8)/7 ≈ 0.75.
//
// The fuzzy measures are capped at 0.85 so that a typo never outranks a correct
// whole-word match of similar length. Scores are rounded to 4 decimals before
// ranking so that a platform fusing multiply-adds cannot reorder near-ties.
//
// A record (Type, ID) appears once, with its best entry. Hits are ordered by score
// (descending), then the shorter normalized text, then Type, then ID (numeric ids
// numerically), which is a total order: the same data gives the same answer
// whatever the order the caller loaded the rows in.
//
// # Cost
//
// New builds an inverted index from trigram to entries, plus maps from the exact
// and the space-free normalized text to entries. Search counts, for each entry
// sharing a trigram with the query, how many it shares (visiting rarest trigrams
// first, at most about a million postings), keeps the 512 entries with the best
// blend of query coverage and trigram similarity, adds exact and space-free
// matches, and scores only those. A query is thus linear in the postings of its
// trigrams, never in the corpus squared. Queries are cut to 200 runes.
package search
