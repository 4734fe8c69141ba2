package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/search"
)

// exists are the lookups of the record types a field may refer to (its `ref` tag).
var exists = map[string]func(context.Context, *ent.Client, int) (bool, error){
	"vendor": func(ctx context.Context, c *ent.Client, id int) (bool, error) {
		return c.Vendor.Query().Where(vendor.ID(id)).Exist(ctx)
	},
	"product": func(ctx context.Context, c *ent.Client, id int) (bool, error) {
		return c.Product.Query().Where(product.ID(id)).Exist(ctx)
	},
	"agency": func(ctx context.Context, c *ent.Client, id int) (bool, error) {
		return c.Agency.Query().Where(agency.ID(id)).Exist(ctx)
	},
	"license": func(ctx context.Context, c *ent.Client, id int) (bool, error) {
		return c.License.Query().Where(license.ID(id)).Exist(ctx)
	},
	"source": func(ctx context.Context, c *ent.Client, id int) (bool, error) {
		return c.Source.Query().Where(source.ID(id)).Exist(ctx)
	},
	"communication": func(ctx context.Context, c *ent.Client, id int) (bool, error) {
		return c.Communication.Query().Where(communication.ID(id)).Exist(ctx)
	},
}

// checkRefs checks that every id a record's fields refer to (fields tagged `ref`)
// names an existing record, and names the field that does not. The foreign keys
// would refuse it too, but without saying which field.
func checkRefs(ctx context.Context, c *ent.Client, fields any) error {
	p := domain.Problems{}
	if err := refsOf(ctx, c, "", reflect.ValueOf(fields), p); err != nil {
		return err
	}
	return p.Err("a referenced record does not exist")
}

// refsOf checks the ref fields of the struct v, and those of the structs in its
// lists of objects (a communication's statements), named list.field.
func refsOf(ctx context.Context, c *ent.Client, prefix string, v reflect.Value, p domain.Problems) error {
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if ft := t.Field(i).Type; ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && !t.Field(i).Anonymous {
			for j := range v.Field(i).Len() {
				if err := refsOf(ctx, c, prefix+name+".", v.Field(i).Index(j), p); err != nil {
					return err
				}
			}
			continue
		}
		kind := t.Field(i).Tag.Get("ref")
		if kind == "" {
			continue
		}
		var ids []domain.ID
		switch f := v.Field(i).Interface().(type) {
		case domain.ID:
			ids = []domain.ID{f}
		case *domain.ID:
			if f != nil {
				ids = []domain.ID{*f}
			}
		case []domain.ID:
			ids = f
		default:
			return fmt.Errorf("field %s: ref tag on a %T", name, f)
		}
		for _, id := range ids {
			ok, err := exists[kind](ctx, c, int(id))
			if err != nil {
				return err
			}
			if !ok {
				p.Add(prefix+name, fmt.Sprintf("no %s has id %s", kind, id))
			}
		}
	}
	return nil
}

// RefID resolves a reference to a record of a kind (a `ref` tag's value) as staff
// write it: a record id, or for a vendor its slug too. Drafts count: staff may refer
// to a record not yet published. A reference that names nothing is ENOTFOUND.
func (s *Store) RefID(ctx context.Context, kind, ref string) (domain.ID, error) {
	if id, err := domain.ParseID(ref); err == nil {
		if ok, err := exists[kind](ctx, s.client, int(id)); err != nil || ok {
			return id, err
		}
		return 0, domain.Errorf(domain.ENOTFOUND, "no %s has id %s", kind, id)
	}
	if kind == "vendor" && domain.ValidSlug(ref) {
		id, err := s.vendorRef(ref, domain.Statuses).OnlyID(ctx)
		if ent.IsNotFound(err) {
			return 0, domain.Errorf(domain.ENOTFOUND, "no vendor has the slug %q", ref)
		}
		return domain.ID(id), err
	}
	if kind == "vendor" {
		return 0, domain.Errorf(domain.EINVALID, "not a vendor id or slug")
	}
	return 0, domain.Errorf(domain.EINVALID, "not a %s id", kind)
}

// slugFrom makes a slug from a name: its words as search.Normalize folds them
// (lower case, accents dropped), of ASCII letters and digits only, joined by hyphens,
// at most 90 bytes (so a suffix still fits the 100 a slug may have).
func slugFrom(name string) string {
	var words []string
	n := 0
	for _, w := range strings.Fields(search.Normalize(name)) {
		w = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1 // a letter no ASCII spelling is known for
		}, w)
		if n+len(w) > 90 {
			break
		}
		if w == "" {
			continue
		}
		words = append(words, w)
		n += len(w) + 1
	}
	if len(words) == 0 {
		return "vendor"
	}
	return strings.Join(words, "-")
}

// freeSlug returns the slug made from a vendor's name, suffixed -2, -3… when a
// vendor (of any status) has it already.
func freeSlug(ctx context.Context, c *ent.Client, name string) (string, error) {
	base := slugFrom(name)
	for n := 1; ; n++ {
		slug := base
		if n > 1 {
			slug = fmt.Sprintf("%s-%d", base, n)
		}
		taken, err := c.Vendor.Query().Where(vendor.Slug(slug)).Exist(ctx)
		if err != nil || !taken {
			return slug, err
		}
	}
}
