package store

import (
	"context"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/vendor"
)

// What staff's intake (package httpapi) reads before it writes a file's drafts with
// Import: which records the file already brought in, which of its sources exist, and
// the ids its new records take.

// VendorsByExternalID returns the vendors (any status) whose external id is one of
// ids, by external id.
func (s *Store) VendorsByExternalID(ctx context.Context, ids []string) (map[string]int, error) {
	out := map[string]int{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		vs, err := s.client.Vendor.Query().Where(vendor.ExternalIDIn(chunk...)).Select(vendor.FieldID, vendor.FieldExternalID).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			out[*v.ExternalID] = v.ID
		}
	}
	return out, nil
}

// VendorLink is what intake needs of an existing vendor to report a relation the
// file states about it: its name and its parent (0: none).
type VendorLink struct {
	Name     string
	ParentID int
}

// VendorLinks returns the vendors (any status) whose id is one of ids, by id.
func (s *Store) VendorLinks(ctx context.Context, ids []int) (map[int]VendorLink, error) {
	out := map[int]VendorLink{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		vs, err := s.client.Vendor.Query().Where(vendor.IDIn(chunk...)).Select(vendor.FieldID, vendor.FieldName, vendor.FieldParentID).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			l := VendorLink{Name: v.Name}
			if v.ParentID != nil {
				l.ParentID = *v.ParentID
			}
			out[v.ID] = l
		}
	}
	return out, nil
}

// SourcesByURL returns the sources (any status but retracted) whose URL is one of
// urls, by URL; of several with one URL, the first.
func (s *Store) SourcesByURL(ctx context.Context, urls []string) (map[string]int, error) {
	out := map[string]int{}
	for len(urls) > 0 {
		chunk := urls[:min(len(urls), 500)]
		urls = urls[len(chunk):]
		srcs, err := s.client.Source.Query().Where(source.URLIn(chunk...), source.StatusNEQ(source.StatusRetracted)).
			Order(ent.Asc(source.FieldID)).Select(source.FieldID, source.FieldURL).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, src := range srcs {
			if _, ok := out[*src.URL]; !ok {
				out[*src.URL] = src.ID
			}
		}
	}
	return out, nil
}

// NextIDs returns, by collection, the id after the highest one taken: an import of
// new records numbers them from there, so that they can refer to each other. A record
// created meanwhile by someone else makes the import fail whole (its id is taken),
// never half-written.
func (s *Store) NextIDs(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	bld := entsql.Dialect(s.dialect)
	for _, collection := range Collections { // the tables are named as the collections
		t := bld.Table(collection)
		query, args := bld.Select(entsql.Max(t.C("id"))).From(t).Query()
		err := s.scanRows(ctx, query, args, func(scan func(...any) error) error {
			var id *int64
			if err := scan(&id); err != nil {
				return err
			}
			if id != nil {
				out[collection] = int(*id)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("next %s id: %w", collection, err)
		}
		out[collection]++
	}
	return out, nil
}

// setExternalIDs records the external ids of an import's vendors, by vendor id.
func setExternalIDs(ctx context.Context, tx *ent.Tx, ids map[int]string) error {
	for id, ext := range ids {
		if err := tx.Vendor.UpdateOneID(id).SetExternalID(ext).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
