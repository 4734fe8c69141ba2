package dataset_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestRoundTrip: export → import into an empty database → export gives the same
// files, on each database; a dry run leaves the database empty.
func TestRoundTrip(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := domain.SystemContext(context.Background())
			first := storetest.Open(t, d)
			if _, err := dataset.Load(ctx, first, dataset.Bundled()); err != nil {
				t.Fatal(err)
			}
			// A retraction and a draft: the one is public and travels, the other does not.
			if _, err := store.Retract(ctx, first, store.Terminations, 1, nil, "test retraction", store.Edit{}); err != nil {
				t.Fatal(err)
			}
			if _, err := store.Create(ctx, first, store.Sources, domain.SourceFields{Kind: "media", Title: "An unpublished draft"}, store.Edit{}); err != nil {
				t.Fatal(err)
			}
			a := filepath.Join(t.TempDir(), "a")
			ma, err := dataset.Export(ctx, first, a, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ma.Counts["sources"] != 8 || ma.Counts["terminations"] != 1 || ma.DatasetVersion == "" {
				t.Errorf("manifest counts %v, version %q", ma.Counts, ma.DatasetVersion)
			}

			second := storetest.Open(t, d)
			if _, err := dataset.LoadPath(ctx, second, a, store.ImportOptions{DryRun: true}, nil); err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if empty, _ := second.Empty(ctx); !empty {
				t.Fatal("a dry run wrote records")
			}
			read := 0
			if _, err := dataset.LoadPath(ctx, second, a, store.ImportOptions{}, func(n int) { read = n }); err != nil {
				t.Fatalf("import: %v", err)
			}
			if read != 15 {
				t.Errorf("read %d records, want 15", read)
			}
			b := filepath.Join(t.TempDir(), "b")
			mb, err := dataset.Export(ctx, second, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range ma.Files {
				if mb.Files[i].SHA256 != f.SHA256 {
					fa, _ := os.ReadFile(filepath.Join(a, f.Name))
					fb, _ := os.ReadFile(filepath.Join(b, f.Name))
					t.Errorf("%s differs after the round trip:\n%s\n---\n%s", f.Name, firstDiff(fa, fb), "")
				}
			}
			// The new database goes on with fresh ids.
			src, err := store.Create(ctx, second, store.Sources, domain.SourceFields{Kind: "media", Title: "After import"}, store.Edit{})
			if err != nil || src.ID <= 8 {
				t.Errorf("a record created after the import got id %v (%v); ids must not be reused", src.ID, err)
			}
		})
	}
}

// firstDiff shows where two files part.
func firstDiff(a, b []byte) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			lo := max(0, i-80)
			return string(a[lo:min(len(a), i+80)]) + "\n≠\n" + string(b[lo:min(len(b), i+80)])
		}
	}
	if bytes.Equal(a, b) {
		return ""
	}
	return "one file is a prefix of the other"
}

// TestSynthetic: a generated registry is marked synthetic, its names say so, and it
// refuses to be generated into a database that holds records.
func TestSynthetic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		counts, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 400, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if counts["licenses"] != 400 || counts["vendors"] < 2 {
			t.Errorf("counts %v", counts)
		}
		if ok, err := st.IsSynthetic(ctx); !ok || err != nil {
			t.Errorf("the database is not marked synthetic (%v)", err)
		}
		vs, _, err := st.ListVendors(ctx, store.ListParams{Statuses: domain.PublicStatuses, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if !strings.Contains(v.Name, "Synthetic") {
				t.Errorf("vendor %q does not say it is synthetic", v.Name)
			}
		}
		if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 10}); err == nil {
			t.Error("a second synthetic registry was generated over the first")
		}
		fresh := storetest.Open(t, storetestDialect(st))
		if _, err := dataset.Load(ctx, fresh, dataset.Bundled()); err != nil {
			t.Fatal(err)
		}
		if _, err := dataset.Synthetic(ctx, fresh, dataset.SyntheticOptions{Licenses: 10}); err == nil {
			t.Error("synthetic data was mixed into the sourced dataset")
		}
	})
}

func storetestDialect(st *store.Store) string {
	if st.Dialect() == "postgres" {
		return "postgres"
	}
	return "sqlite"
}
