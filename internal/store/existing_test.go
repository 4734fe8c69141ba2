package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestExisting: of a batch's records, Existing names those the database holds, by
// collection and id, and no others.
func TestExisting(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		rec := func(id int) domain.Record { return domain.Record{ID: domain.ID(id)} }
		b := store.Batch{
			Sources:        []domain.Source{{Record: rec(2)}, {Record: rec(999)}, {Record: rec(1)}},
			Vendors:        []domain.Vendor{{Record: rec(7)}},
			Communications: []domain.Communication{{Record: rec(3)}},
		}
		got, err := st.Existing(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]int{"sources": {1, 2}, "communications": {3}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("existing %v, want %v", got, want)
		}
	})
}
