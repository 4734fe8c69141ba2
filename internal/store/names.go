package store

import (
	"context"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// Name is how a public record is shown where another record refers to it: its name,
// and for a vendor the slug its page is found at.
type Name struct {
	Name string
	Slug string
}

// Names are public records' names by record type ("vendor", "product", "agency",
// and "source" by title when asked for) and id. A record the public may not see has no entry.
type Names map[string]map[domain.ID]Name

// Of returns the name of a record of the type, and whether it is public.
func (n Names) Of(kind string, id domain.ID) (Name, bool) {
	v, ok := n[kind][id]
	return v, ok
}

// PublicNames returns the names of the public (published or retracted) vendors,
// products and agencies: those of the ids by record type, or all of them when ids
// is nil. Drafts never have a name here, so nothing that shows these names (a page,
// a CSV's name columns) can reveal one.
func (s *Store) PublicNames(ctx context.Context, ids map[string][]domain.ID) (Names, error) {
	out := Names{}
	b := entsql.Dialect(s.dialect)
	for _, k := range namedKinds {
		out[k.kind] = map[domain.ID]Name{}
		if k.onlyAsked && ids == nil {
			continue
		}
		t := b.Table(k.table)
		where := []*entsql.Predicate{entsql.In(t.C("status"), anys(domain.PublicStatuses)...)}
		if ids != nil {
			only := make([]int, len(ids[k.kind]))
			for i, id := range ids[k.kind] {
				only[i] = int(id)
			}
			if len(only) == 0 {
				continue
			}
			where = append(where, entsql.InInts(t.C("id"), only...))
		}
		cols := []string{t.C("id"), t.C(k.nameColumn)}
		if k.slug {
			cols = append(cols, t.C(vendor.FieldSlug))
		}
		query, args := b.Select(cols...).From(t).Where(entsql.And(where...)).Query()
		err := s.scanRows(ctx, query, args, func(scan func(...any) error) error {
			var (
				id int
				n  Name
			)
			dest := []any{&id, &n.Name, &n.Slug}
			if err := scan(dest[:len(cols)]...); err != nil {
				return err
			}
			out[k.kind][domain.ID(id)] = n
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// namedKinds are the record types other records show by name, with their tables and
// the column that names them. Sources (by title, for the pages' statements) are
// looked up only when asked for by id: no CSV names them.
var namedKinds = []struct {
	kind, table, nameColumn string
	slug, onlyAsked         bool
}{{"vendor", vendor.Table, "name", true, false}, {"product", product.Table, "name", false, false}, {"agency", agency.Table, "name", false, false},
	{"source", source.Table, source.FieldTitle, false, true}}
