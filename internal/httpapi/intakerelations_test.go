package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/intake"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// gv is a value of a synthetic galaxy: its name, its uuid's number and its
// related[] (type, destination uuid's number).
type gv struct {
	name    string
	uuid    int
	related [][2]any
}

// uuidOf is the synthetic uuid numbered n.
func uuidOf(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// galaxyOf writes a galaxy cluster of invented vendors.
func galaxyOf(values ...gv) []byte {
	type rel struct {
		Dest string `json:"dest-uuid"`
		Type string `json:"type"`
	}
	type val struct {
		Value   string `json:"value"`
		UUID    string `json:"uuid"`
		Related []rel  `json:"related,omitempty"`
	}
	g := struct {
		Name   string `json:"name"`
		Type   string `json:"type"`
		Values []val  `json:"values"`
	}{Name: "Synthetic Vendors", Type: "surveillance-vendor"}
	for _, v := range values {
		x := val{Value: v.name, UUID: uuidOf(v.uuid)}
		for _, r := range v.related {
			x.Related = append(x.Related, rel{Type: r[0].(string), Dest: uuidOf(r[1].(int))})
		}
		g.Values = append(g.Values, x)
	}
	b, _ := json.Marshal(g)
	return b
}

// relWant is a relation the report should list: "From type To: outcome".
type relWant string

func relString(r intake.Relation) relWant {
	return relWant(fmt.Sprintf("%s %s %s: %s", r.From, r.Type, r.To, r.Outcome))
}

// relStep is one intake of a file and what its report should say.
type relStep struct {
	file    []byte
	dry     bool
	created int // vendors created (a dry run: that would be)
	// refused: substrings the refusals must hold (all under rows[N].related); the
	// file writes nothing.
	refused   []string
	relations []relWant
}

// TestIntakeRelations: the relations a galaxy's values state. Ownership (is-acquired-by,
// acquires) becomes a new draft's parent_id, parents created before the vendors they
// own whatever the file's order; a cycle or two parents for one vendor refuse the file,
// naming the values, and write nothing; the types the model has no place for, and
// destinations no one has, are listed as not recorded; an existing record is never
// edited, its relation only suggested; a second run changes nothing.
func TestIntakeRelations(t *testing.T) {
	const (
		acme, quarry, borealis, tidewater, cinder = 1, 2, 3, 4, 5
		outside                                   = 99 // a uuid no file here holds
	)
	// Names with no word in common: the scorer matches none to another.
	childFirst := galaxyOf(
		gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by", quarry}}},
		gv{"Quarry Holdings", quarry, nil},
	)
	cases := []struct {
		name string
		// existing creates records before the intake: a published vendor, whose
		// revision must not move.
		existing []string
		steps    []relStep
		// parents: each vendor's parent after the steps, by name ("": none).
		parents map[string]string
	}{{
		name: "acquired-by sets the parent of the child draft",
		steps: []relStep{{file: galaxyOf(
			gv{"Quarry Holdings", quarry, nil},
			gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by", quarry}}},
		), created: 2, relations: []relWant{"Acme Intercept is-acquired-by Quarry Holdings: recorded"}}},
		parents: map[string]string{"Acme Intercept": "Quarry Holdings", "Quarry Holdings": ""},
	}, {
		name: "acquires sets the parent of the destination",
		steps: []relStep{{file: galaxyOf(
			gv{"Tidewater Group", tidewater, [][2]any{{"acquires", borealis}}},
			gv{"Borealis Optics", borealis, nil},
		), created: 2, relations: []relWant{"Tidewater Group acquires Borealis Optics: recorded"}}},
		parents: map[string]string{"Borealis Optics": "Tidewater Group", "Tidewater Group": ""},
	}, {
		name: "parents listed after their children are created first",
		steps: []relStep{{file: galaxyOf(
			gv{"Cinder Relay", cinder, [][2]any{{"is-acquired-by", acme}}},
			gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by", quarry}}},
			gv{"Quarry Holdings", quarry, [][2]any{{"acquires", acme}}}, // the same, said from the other side
		), created: 3, relations: []relWant{
			"Cinder Relay is-acquired-by Acme Intercept: recorded",
			"Acme Intercept is-acquired-by Quarry Holdings: recorded",
			"Quarry Holdings acquires Acme Intercept: recorded",
		}}},
		parents: map[string]string{"Cinder Relay": "Acme Intercept", "Acme Intercept": "Quarry Holdings", "Quarry Holdings": ""},
	}, {
		name: "a dry run reports the relations and writes nothing",
		steps: []relStep{{file: childFirst, dry: true, created: 2,
			relations: []relWant{"Acme Intercept is-acquired-by Quarry Holdings: recorded"}}},
		parents: map[string]string{},
	}, {
		name: "a cycle of two refuses the file",
		steps: []relStep{{file: galaxyOf(
			gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by", quarry}}},
			gv{"Quarry Holdings", quarry, [][2]any{{"is-acquired-by", acme}}},
		), refused: []string{`cycle: "Acme Intercept" is owned by "Quarry Holdings" (row 1, is-acquired-by), "Quarry Holdings" is owned by "Acme Intercept" (row 2, is-acquired-by)`}}},
	}, {
		name: "a longer cycle refuses the file",
		steps: []relStep{{file: galaxyOf(
			gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by", quarry}, {"acquires", tidewater}}},
			gv{"Quarry Holdings", quarry, [][2]any{{"is-acquired-by", tidewater}}},
			gv{"Tidewater Group", tidewater, nil},
		), refused: []string{`cycle: "Acme Intercept" is owned by "Quarry Holdings" (row 1, is-acquired-by), "Quarry Holdings" is owned by "Tidewater Group" (row 2, is-acquired-by), "Tidewater Group" is owned by "Acme Intercept" (row 1, acquires)`}}},
	}, {
		name: "a value acquired by itself refuses the file",
		steps: []relStep{{file: galaxyOf(gv{"Acme Intercept", acme, [][2]any{{"acquires", acme}}}),
			refused: []string{`cycle: "Acme Intercept" is owned by "Acme Intercept" (row 1, acquires)`}}},
	}, {
		name: "two parents for one vendor refuse the file",
		steps: []relStep{{file: galaxyOf(
			gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by", quarry}}},
			gv{"Quarry Holdings", quarry, nil},
			gv{"Tidewater Group", tidewater, [][2]any{{"acquires", acme}}},
		), refused: []string{`two parents for "Acme Intercept": "Acme Intercept" is owned by "Quarry Holdings" (row 1, is-acquired-by), and "Acme Intercept" is owned by "Tidewater Group" (row 3, acquires)`}}},
	}, {
		name: "a type with a trailing space is that type",
		steps: []relStep{{file: galaxyOf(
			gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by ", quarry}, {"is-allied-with ", quarry}}},
			gv{"Quarry Holdings", quarry, nil},
		), created: 2, relations: []relWant{
			"Acme Intercept is-acquired-by Quarry Holdings: recorded",
			"Acme Intercept is-allied-with Quarry Holdings: not_recorded",
		}}},
		parents: map[string]string{"Acme Intercept": "Quarry Holdings"},
	}, {
		name: "relations with no place in the model are listed, not recorded",
		steps: []relStep{{file: galaxyOf(
			gv{"Acme Intercept", acme, [][2]any{{"part-of", borealis}, {"is-allied-with", quarry}}},
			gv{"Quarry Holdings", quarry, [][2]any{{"known-as", acme}}},
			gv{"Borealis Optics", borealis, [][2]any{{"related-to", quarry}}},
		), created: 3, relations: []relWant{
			"Acme Intercept part-of Borealis Optics: not_recorded",
			"Acme Intercept is-allied-with Quarry Holdings: not_recorded",
			"Quarry Holdings known-as Acme Intercept: not_recorded",
			"Borealis Optics related-to Quarry Holdings: not_recorded",
		}}},
		parents: map[string]string{"Acme Intercept": "", "Quarry Holdings": "", "Borealis Optics": ""},
	}, {
		name: "a destination neither the file nor the registry has is reported",
		steps: []relStep{{file: galaxyOf(
			gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by", outside}, {"related-to", outside}}},
		), created: 1, relations: []relWant{
			relWant("Acme Intercept is-acquired-by misp-galaxy:" + uuidOf(outside) + ": not_recorded"),
			relWant("Acme Intercept related-to misp-galaxy:" + uuidOf(outside) + ": not_recorded"),
		}}},
		parents: map[string]string{"Acme Intercept": ""},
	}, {
		name:     "a parent matched to a published vendor of the registry",
		existing: []string{"Quarry Holdings"},
		steps:    []relStep{{file: childFirst, created: 1, relations: []relWant{"Acme Intercept is-acquired-by Quarry Holdings: recorded"}}},
		parents:  map[string]string{"Acme Intercept": "Quarry Holdings", "Quarry Holdings": ""},
	}, {
		name:     "a child matched to a published vendor is not edited: the relation is a suggestion",
		existing: []string{"Acme Intercept"},
		steps:    []relStep{{file: childFirst, created: 1, relations: []relWant{"Acme Intercept is-acquired-by Quarry Holdings: suggested"}}},
		parents:  map[string]string{"Acme Intercept": "", "Quarry Holdings": ""},
	}, {
		name: "a destination an earlier intake brought is found by its uuid",
		steps: []relStep{
			{file: galaxyOf(gv{"Quarry Holdings", quarry, nil}), created: 1, relations: []relWant{}},
			{file: galaxyOf(gv{"Acme Intercept", acme, [][2]any{{"is-acquired-by", quarry}}}), created: 1,
				relations: []relWant{"Acme Intercept is-acquired-by Quarry Holdings: recorded"}},
		},
		parents: map[string]string{"Acme Intercept": "Quarry Holdings"},
	}, {
		name: "a second run creates nothing and records nothing again",
		steps: []relStep{
			{file: childFirst, created: 2, relations: []relWant{"Acme Intercept is-acquired-by Quarry Holdings: recorded"}},
			{file: childFirst, created: 0, relations: []relWant{"Acme Intercept is-acquired-by Quarry Holdings: already_recorded"}},
		},
		parents: map[string]string{"Acme Intercept": "Quarry Holdings", "Quarry Holdings": ""},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := domain.SystemContext(context.Background())
				revisions := map[string]int{}
				for _, name := range c.existing {
					v := publishedVendor(t, ctx, st, name)
					revisions[name] = v.Revision
				}
				for i, s := range c.steps {
					before := map[string]int{}
					for _, table := range []string{"vendors", "sources", "revisions"} {
						before[table] = storetest.Count(t, st, table)
					}
					rep, err := httpapi.Intake(ctx, st, httpapi.IntakeRequest{Name: "galaxy.json", Body: s.file, DryRun: s.dry})
					created := 0
					for _, e := range rep.Created {
						if e.Collection == "vendors" {
							created++
						}
					}
					if s.refused != nil {
						if err == nil || domain.ErrorCode(err) != domain.EINVALID {
							t.Fatalf("step %d: the file was taken (%v): %+v", i+1, err, rep)
						}
						var reasons []string
						for _, p := range rep.Refused {
							if p.Field != "related" || p.Row == 0 {
								t.Errorf("step %d: a refusal names row %d, field %q, want a value's related", i+1, p.Row, p.Field)
							}
							reasons = append(reasons, p.Reason)
						}
						for _, want := range s.refused {
							if !strings.Contains(strings.Join(reasons, "\n"), want) {
								t.Errorf("step %d: no refusal says %s:\n%s", i+1, want, strings.Join(reasons, "\n"))
							}
						}
						if len(rep.Created) != 0 || len(rep.Relations) != 0 {
							t.Errorf("step %d: a refused file reports %d created, %d relations", i+1, len(rep.Created), len(rep.Relations))
						}
					} else {
						if err != nil {
							t.Fatalf("step %d: %v: %+v", i+1, err, rep.Refused)
						}
						if created != s.created {
							t.Errorf("step %d: %d vendors created, want %d", i+1, created, s.created)
						}
						got := []relWant{}
						for _, r := range rep.Relations {
							got = append(got, relString(r))
							if r.Outcome == intake.RelationRecorded && (r.ChildID == "" || r.ParentID == "") {
								t.Errorf("step %d: a recorded relation without its vendors: %+v", i+1, r)
							}
						}
						if fmt.Sprint(got) != fmt.Sprint(s.relations) {
							t.Errorf("step %d: relations\n%q\nwant\n%q", i+1, got, s.relations)
						}
					}
					if s.dry || s.refused != nil || (s.created == 0 && s.refused == nil) {
						for table, n := range before {
							if now := storetest.Count(t, st, table); now != n {
								t.Errorf("step %d: %s went from %d to %d; nothing should be written", i+1, table, n, now)
							}
						}
					}
				}
				for child, parent := range c.parents {
					v, err := st.GetVendor(ctx, slugOf(child), true)
					if err != nil {
						t.Fatalf("%s: %v", child, err)
					}
					got := ""
					if v.ParentID != nil {
						p, err := st.GetVendor(ctx, v.ParentID.String(), true)
						if err != nil {
							t.Fatalf("the parent of %s: %v", child, err)
						}
						got = p.Name
					}
					if got != parent {
						t.Errorf("the parent of %s is %q, want %q", child, got, parent)
					}
					if rev, ok := revisions[child]; ok && v.Revision != rev {
						t.Errorf("the existing vendor %s was edited: revision %d, was %d", child, v.Revision, rev)
					}
					if _, existing := revisions[child]; !existing && v.Status != domain.StatusDraft {
						t.Errorf("%s is %s, want a draft", child, v.Status)
					}
				}
			})
		})
	}
}

// publishedVendor creates a published vendor citing a published source.
func publishedVendor(t *testing.T, ctx context.Context, st *store.Store, name string) domain.Vendor {
	t.Helper()
	src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "A synthetic article on " + name}, store.Edit{})
	if err == nil {
		_, err = store.Publish(ctx, st, store.Sources, int(src.ID), nil, store.Edit{})
	}
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.CreateCited(ctx, st, store.Vendors, domain.VendorFields{Name: name, UNGPCommitment: domain.Unknown},
		[]domain.Citation{{SourceID: src.ID, Confidence: "reported"}}, store.Edit{})
	if err == nil {
		v, err = store.Publish(ctx, st, store.Vendors, int(v.ID), nil, store.Edit{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// slugOf is the slug a vendor named name gets.
func slugOf(name string) string { return strings.ToLower(strings.ReplaceAll(name, " ", "-")) }
