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
