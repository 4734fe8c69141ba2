package dataset_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/dataset/ftmtest"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// ftmExport writes a store's FtM export and checks every line against the vendored
// FtM model, returning the entities.
func ftmExport(t *testing.T, st *store.Store) (map[string]ftmtest.Entity, []byte) {
	t.Helper()
	m, err := ftmtest.Load()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := dataset.WriteFtM(domain.SystemContext(context.Background()), st, &buf); err != nil {
		t.Fatal(err)
	}
	problems, entities := ftmtest.Validate(m, bytes.NewReader(buf.Bytes()))
	for _, p := range problems {
		t.Error(p)
	}
	return entities, buf.Bytes()
}

// TestFtMBundled: the bundled dataset exports as FollowTheMoney entities that keep to
// the model, each record once under a stable namespaced id, licences linked to their
// vendor through a ContractAward and to their end user as authority, citations as
// Documentation, and drafts left out — on each database.
func TestFtMBundled(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		draft, err := store.Create(ctx, st, store.Vendors, domain.VendorFields{Slug: "draft-vendor", Name: "An unpublished draft vendor", UNGPCommitment: "unknown"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		entities, raw := ftmExport(t, st)
		if bytes.Contains(raw, []byte("unpublished draft")) {
			t.Error("a draft is in the FtM export")
		}
		if _, ok := entities["ser-vendor-"+draft.ID.String()]; ok {
			t.Error("the draft vendor has an entity")
		}
		count := func(kind string) int {
			n := 0
			for id := range entities {
				if strings.HasPrefix(id, "ser-"+kind+"-") {
					n++
				}
			}
			return n
		}
		for kind, list := range map[string]func() (int, error){
			"vendor":  func() (int, error) { r, _, err := st.ListVendors(ctx, all()); return len(r), err },
			"agency":  func() (int, error) { r, _, err := st.ListAgencies(ctx, all()); return len(r), err },
			"license": func() (int, error) { r, _, err := st.ListLicenses(ctx, all()); return len(r), err },
			"source":  func() (int, error) { r, _, err := st.ListSources(ctx, all()); return len(r), err },
		} {
			want, err := list()
			if err != nil {
				t.Fatal(err)
			}
			if got := count(kind); got != want || (want == 0 && kind != "agency") { // the bundled dataset names no agency yet
				t.Errorf("%d %s entities, want %d (the public records)", got, kind, want)
			}
		}
		schemas := map[string]string{"vendor": "Company", "agency": "PublicBody", "license": "License", "award": "ContractAward",
			"termination": "Event", "allegation": "Event", "citation": "Documentation", "state": "PublicBody"}
		for id, e := range entities {
			kind := strings.SplitN(id, "-", 3)[1]
			if want, ok := schemas[kind]; ok && e.Schema != want {
				t.Errorf("%s is a %s, want %s", id, e.Schema, want)
			}
			if !slices.Equal(e.Datasets, []string{dataset.FtMDataset}) {
				t.Errorf("%s datasets %v", id, e.Datasets)
			}
		}
		if count("award") == 0 || count("citation") == 0 {
			t.Errorf("no awards or citations: %d, %d", count("award"), count("citation"))
		}
		// Every award links a licence to its vendor, and the licence names the end user.
		lics, _, err := st.ListLicenses(ctx, all())
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lics {
			award, ok := entities["ser-award-"+l.ID.String()]
			if l.VendorID == nil {
				continue
			}
			if !ok || !slices.Equal(award.Properties["supplier"], []string{"ser-vendor-" + l.VendorID.String()}) ||
				!slices.Equal(award.Properties["contract"], []string{"ser-license-" + l.ID.String()}) {
				t.Errorf("licence %d: award %+v", l.ID, award)
			}
			lic := entities["ser-license-"+l.ID.String()]
			if l.EndUserAgencyID != nil && !slices.Contains(lic.Properties["authority"], "ser-agency-"+l.EndUserAgencyID.String()) {
				t.Errorf("licence %d: authority %v, want its end-user agency %d", l.ID, lic.Properties["authority"], *l.EndUserAgencyID)
			}
			if len(l.ProductIDs) > 0 && len(lic.Properties["commodities"]) == 0 {
				t.Errorf("licence %d: products but no commodities", l.ID)
			}
		}
		// The same data exports the same entities: ids are stable.
		_, again := ftmExport(t, st)
		if !bytes.Equal(raw, again) {
			t.Error("two exports of the same data differ")
		}
	})
}

// TestFtMSynthetic: every line of a synthetic registry's FtM export keeps to the
// model (entity references included): 500 licences, or as many as
// REGISTRY_FTM_SYNTHETIC_LICENSES says (CI checks 100,000 in a step of its own).
func TestFtMSynthetic(t *testing.T) {
	n := 500
	if v := os.Getenv("REGISTRY_FTM_SYNTHETIC_LICENSES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			t.Fatalf("REGISTRY_FTM_SYNTHETIC_LICENSES=%q is not a number of licences", v)
		}
	}
	st := storetest.Open(t, "sqlite")
	ctx := domain.SystemContext(context.Background())
	start := time.Now()
	if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: n, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	seeded := time.Now()
	entities, _ := ftmExport(t, st)
	t.Logf("%d licences: seeded in %s, exported and validated %d entities in %s", n,
		seeded.Sub(start).Round(time.Millisecond), len(entities), time.Since(seeded).Round(time.Millisecond))
	schemas := map[string]int{}
	for _, e := range entities {
		schemas[e.Schema]++
	}
	if schemas["License"] != n || schemas["ContractAward"] == 0 || schemas["PublicBody"] == 0 || schemas["Event"] == 0 || schemas["Company"] == 0 {
		t.Errorf("entities by schema %v, want %d licences and some of each", schemas, n)
	}
}

// TestFtMValidatorFails: the validator refuses what breaks the model, so the tests
// above could fail.
func TestFtMValidatorFails(t *testing.T) {
	m, err := ftmtest.Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, line := range map[string]string{
		"unknown schema":     `{"id":"a","schema":"Spyware","properties":{},"datasets":["x"]}`,
		"abstract schema":    `{"id":"a","schema":"Thing","properties":{},"datasets":["x"]}`,
		"wrong property":     `{"id":"a","schema":"License","properties":{"vendor":["b"]},"datasets":["x"]}`,
		"child's property":   `{"id":"a","schema":"Contract","properties":{"commodities":["b"]},"datasets":["x"]}`,
		"dangling reference": `{"id":"a","schema":"ContractAward","properties":{"supplier":["ser-vendor-9"]},"datasets":["x"]}`,
		"reference of the wrong schema": `{"id":"a","schema":"ContractAward","properties":{"supplier":["b"]},"datasets":["x"]}
{"id":"b","schema":"Document","properties":{"title":["t"]},"datasets":["x"]}`,
		"not a list of strings": `{"id":"a","schema":"Company","properties":{"name":"NSO"},"datasets":["x"]}`,
		"bad date":              `{"id":"a","schema":"Event","properties":{"date":["May 2019"]},"datasets":["x"]}`,
		"upper-case country":    `{"id":"a","schema":"Company","properties":{"country":["IL"]},"datasets":["x"]}`,
		"unknown field":         `{"id":"a","schema":"Company","properties":{},"datasets":["x"],"caption":"x"}`,
		"duplicate id": `{"id":"a","schema":"Company","properties":{},"datasets":["x"]}
{"id":"a","schema":"Company","properties":{},"datasets":["x"]}`,
		"bad seen time": `{"id":"a","schema":"Company","properties":{},"datasets":["x"],"first_seen":"yesterday"}`,
	} {
		if problems, _ := ftmtest.Validate(m, strings.NewReader(line)); len(problems) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := `{"id":"v","schema":"Company","properties":{"name":["V"],"country":["il"]},"datasets":["x"],"first_seen":"2020-01-02T03:04:05"}
{"id":"l","schema":"License","properties":{"commodities":["P"],"contractDate":["2019-05"]},"datasets":["x"]}
{"id":"a","schema":"ContractAward","properties":{"supplier":["v"],"contract":["l"]},"datasets":["x"]}`
	if problems, _ := ftmtest.Validate(m, strings.NewReader(ok)); len(problems) != 0 {
		t.Errorf("a valid export refused: %v", problems)
	}
}

func all() store.ListParams {
	return store.ListParams{Statuses: domain.PublicStatuses, Limit: store.MaxLimit}
}
