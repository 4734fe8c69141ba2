package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// TestCoversReadsGeographyRows: the covers filter finds a licence by its geography
// rows, which the license_geography migration fills from licences written before it
// and every create and update keeps equal to the geography list after it.
func TestCoversReadsGeographyRows(t *testing.T) {
	migratedTo(t, "20261201091728_revision_mentions", func(t *testing.T, ctx context.Context, st *store.Store) {
		now := "2026-01-01 00:00:00"
		for _, q := range []string{
			`INSERT INTO licenses (id, created_at, updated_at, status, kind, geography) VALUES (1, '` + now + `', '` + now + `', 'published', 'end_user_license', '["MZ","ZA","MZ"]')`,
			`INSERT INTO licenses (id, created_at, updated_at, status, kind, geography) VALUES (2, '` + now + `', '` + now + `', 'published', 'end_user_license', '[]')`,
			`INSERT INTO licenses (id, created_at, updated_at, status, kind) VALUES (3, '` + now + `', '` + now + `', 'published', 'end_user_license')`,
		} {
			if _, err := store.DB(st).ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if st.Dialect() == "postgres" {
			if _, err := store.DB(st).ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('licenses', 'id'), 4, false)`); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		editor := domain.WithViewer(ctx, domain.Viewer{Role: domain.RoleEditor})
		l4, err := store.Create(editor, st, store.Licenses, domain.LicenseFields{Kind: "end_user_license", Geography: []string{"ZA", "FR"}}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		covers := func(code string) []domain.ID {
			t.Helper()
			ls, _, err := st.ListLicenses(ctx, store.ListParams{Statuses: []string{domain.StatusDraft, domain.StatusPublished}, Drafts: true, Covers: code})
			if err != nil {
				t.Fatal(err)
			}
			var ids []domain.ID
			for _, l := range ls {
				ids = append(ids, l.ID)
			}
			return ids
		}
		check := func(when string, want map[string][]domain.ID) {
			t.Helper()
			for code, ids := range want {
				if got := covers(code); !slices.Equal(got, ids) {
					t.Errorf("%s: covers=%s gives %v, want %v", when, code, got, ids)
				}
			}
		}
		check("after the migration and a create", map[string][]domain.ID{"MZ": {1}, "ZA": {1, l4.ID}, "FR": {l4.ID}, "GT": nil})

		if _, err := store.Update(editor, st, store.Licenses, int(l4.ID), l4.Revision, func(f domain.LicenseFields) (domain.LicenseFields, error) {
			f.Geography = []string{"GT"}
			return f, nil
		}, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		check("after an update", map[string][]domain.ID{"ZA": {1}, "FR": nil, "GT": {l4.ID}})
		var n int
		if err := store.DB(st).QueryRowContext(ctx, "SELECT COUNT(*) FROM license_geographies").Scan(&n); err != nil || n != 3 {
			t.Errorf("%d geography rows, want 3 (MZ and ZA once each for licence 1, GT for licence %s)", n, l4.ID)
		}
	})
}

// TestGeographyRowsCopyTheirLicence: each geography row carries its licence's status
// and validity, which the covers= list through the documents reads instead of the
// licence. The license_geography_validity migration fills them for rows written
// before it; its triggers keep them equal after it, through every write path: a
// licence created, published, its end changed, its geography changed, retracted.
func TestGeographyRowsCopyTheirLicence(t *testing.T) {
	migratedTo(t, "20261201201753_license_id_validity", func(t *testing.T, ctx context.Context, st *store.Store) {
		now := "2026-01-01 00:00:00"
		for _, q := range []string{
			`INSERT INTO licenses (id, created_at, updated_at, status, kind, geography, valid_from, valid_from_precision, valid_until, valid_until_precision) VALUES (1, '` + now + `', '` + now + `', 'published', 'end_user_license', '["MZ","ZA"]', '2019-01-01', 'year', '2020-06-01', 'month')`,
			`INSERT INTO licenses (id, created_at, updated_at, status, kind, geography) VALUES (2, '` + now + `', '` + now + `', 'draft', 'end_user_license', '["MZ"]')`,
			`INSERT INTO license_geographies (license_id, country) VALUES (1, 'MZ'), (1, 'ZA'), (2, 'MZ')`,
		} {
			if _, err := store.DB(st).ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if st.Dialect() == "postgres" {
			if _, err := store.DB(st).ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('licenses', 'id'), 3, false)`); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		sameCopies(t, st, "migrated", 3)

		ctx = domain.SystemContext(ctx)
		src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "An article"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Publish(ctx, st, store.Sources, int(src.ID), nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		from, end := domain.Date("2021-03"), domain.Date("2022-01-10")
		l, err := store.CreateCited(ctx, st, store.Licenses, domain.LicenseFields{Kind: "end_user_license", Geography: []string{"FR"}, ValidFrom: &from, ValidUntil: &end},
			[]domain.Citation{{SourceID: src.ID, Confidence: "reported"}}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		sameCopies(t, st, "a draft created", 4)
		if l, err = store.Publish(ctx, st, store.Licenses, int(l.ID), nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		sameCopies(t, st, "published", 4)
		if l, err = store.Update(ctx, st, store.Licenses, int(l.ID), l.Revision, func(f domain.LicenseFields) (domain.LicenseFields, error) {
			until := domain.Date("2023-07-14")
			f.ValidUntil = &until
			return f, nil
		}, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		sameCopies(t, st, "its end changed (a day for a day)", 4)
		// The store rewrites a licence's geography rows with every update; a change of
		// the licence alone reaches them through its trigger.
		for _, set := range []string{"valid_from = '2021-04-01'", "valid_until = '2024-01-01'", "valid_until_precision = 'year'"} {
			if _, err := store.DB(st).ExecContext(ctx, `UPDATE licenses SET `+set+` WHERE id = $1`, l.ID); err != nil {
				t.Fatal(err)
			}
			sameCopies(t, st, "the licence's "+set+" beneath the store", 4)
		}
		if l, err = store.Update(ctx, st, store.Licenses, int(l.ID), l.Revision, func(f domain.LicenseFields) (domain.LicenseFields, error) {
			f.Geography = []string{"FR", "DE"}
			return f, nil
		}, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		sameCopies(t, st, "its geography changed", 5)
		if _, err := store.Retract(ctx, st, store.Licenses, int(l.ID), nil, "issued in error", store.Edit{}); err != nil {
			t.Fatal(err)
		}
		sameCopies(t, st, "retracted", 5)
		if _, err := store.Retract(ctx, st, store.Licenses, 1, nil, "issued in error", store.Edit{}); err != nil {
			t.Fatal(err)
		}
		sameCopies(t, st, "the migrated licence retracted", 5)
	})
}

// sameCopies fails unless the geography rows are n and each carries its licence's
// status and validity.
func sameCopies(t *testing.T, st *store.Store, when string, n int) {
	t.Helper()
	same := func(c string) string { return "coalesce(g." + c + ", '') = coalesce(l." + c + ", '')" }
	var rows, differ int
	if err := store.DB(st).QueryRowContext(context.Background(), `SELECT count(*), coalesce(sum(CASE WHEN `+
		same("status")+` AND `+same("valid_from")+` AND `+same("valid_until")+` AND `+same("valid_until_precision")+
		` THEN 0 ELSE 1 END), 0) FROM license_geographies AS g JOIN licenses AS l ON l.id = g.license_id`).Scan(&rows, &differ); err != nil {
		t.Fatal(err)
	}
	if rows != n || differ != 0 {
		t.Errorf("%s: %d geography rows (want %d), %d of them unlike their licence's status and validity", when, rows, n, differ)
	}
}
