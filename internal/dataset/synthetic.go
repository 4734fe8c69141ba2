package dataset

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// SyntheticOptions size a synthetic registry.
type SyntheticOptions struct {
	// Licenses is the number of licences; every other collection is proportional.
	Licenses int
	// Seed makes the registry reproducible.
	Seed uint64
	// Progress, when set, is told the records written so far and the total.
	Progress func(done, total int)
}

// Synthetic fills an empty database with a generated registry for benchmarks: every
// name says "Synthetic", every URL is under synthetic.invalid, and the database is
// marked synthetic (see store.MarkSynthetic), so it can never pass for the sourced
// dataset, and the two are never mixed: it refuses a database that holds records.
//
// Licences are skewed by country as real ones are: end-user and exporting states follow
// Zipf distributions, so a few countries hold most licences.
func Synthetic(ctx context.Context, st *store.Store, opts SyntheticOptions) (store.ImportCounts, error) {
	if opts.Licenses <= 0 {
		return nil, errors.New("synthetic: the number of licences must be positive")
	}
	empty, err := st.Empty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, errors.New("synthetic: the database holds records; a synthetic registry needs an empty one")
	}
	b := generate(opts.Licenses, opts.Seed)
	total := Count(b)
	done := 0
	counts, err := st.ImportWith(ctx, b, store.ImportOptions{Generated: true, Progress: func() {
		done++
		if opts.Progress != nil && (done%1000 == 0 || done == total) {
			opts.Progress(done, total)
		}
	}})
	if err != nil {
		return nil, err
	}
	return counts, st.MarkSynthetic(ctx)
}

// generate builds the synthetic batch.
func generate(n int, seed uint64) store.Batch {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	codes := officialCodes()
	// A shuffled country order per role, then Zipf ranks: a few countries dominate.
	buyers := shuffled(r, codes)
	exporters := shuffled(r, codes)[:25]
	buyerZipf := rand.NewZipf(r, 1.2, 2, uint64(len(buyers)-1))
	exporterZipf := rand.NewZipf(r, 1.4, 1, uint64(len(exporters)-1))

	nSources, nVendors, nAgencies := max(20, n/50), max(10, n/200), max(20, n/100)
	nTerminations, nAllegations, nComms := max(5, n/20), max(5, n/20), max(3, n/1000)
	vendorZipf := rand.NewZipf(r, 1.1, 2, uint64(nVendors-1))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pub := func(id int, source int) domain.Record {
		return domain.Record{ID: domain.ID(id), Status: domain.StatusPublished, Revision: 1, CreatedAt: now, UpdatedAt: now,
			Citations: []domain.Citation{{SourceID: domain.ID(source), Confidence: "alleged", Locator: ptr("synthetic")}}}
	}
	source := func() int { return 1 + r.IntN(nSources) }
	var b store.Batch

	kinds := []string{"un_document", "vendor_statement", "government_record", "court_record", "media", "ngo_report", "academic"}
	for i := 1; i <= nSources; i++ {
		b.Sources = append(b.Sources, domain.Source{
			Record: domain.Record{ID: domain.ID(i), Status: domain.StatusPublished, Revision: 1, CreatedAt: now, UpdatedAt: now},
			SourceFields: domain.SourceFields{Kind: kinds[r.IntN(len(kinds))], Title: fmt.Sprintf("Synthetic source %d: %s report", i, word(r)),
				URL: ptr(fmt.Sprintf("https://synthetic.invalid/sources/%d", i)), PublishedOn: ptr(day(r)), PublishedOnPrecision: ptr(domain.PrecisionDay),
				Description: ptr("Synthetic record for benchmarks; not a real document.")},
		})
	}
	vendorHQ := make([]string, nVendors+1)
	for i := 1; i <= nVendors; i++ {
		vendorHQ[i] = exporters[exporterZipf.Uint64()]
		name := fmt.Sprintf("Synthetic %s %s %d", word(r), []string{"Systems", "Group", "Technologies", "Intelligence", "Labs"}[r.IntN(5)], i)
		b.Vendors = append(b.Vendors, domain.Vendor{Record: pub(i, source()), VendorFields: domain.VendorFields{
			Slug: fmt.Sprintf("synthetic-vendor-%d", i), Name: name, HeadquartersCountry: ptr(vendorHQ[i]),
			UNGPCommitment: []string{domain.Yes, domain.No, domain.Unknown}[r.IntN(3)], Description: ptr("Synthetic vendor for benchmarks.")}})
	}
	categories := domain.ProductCategories[:len(domain.ProductCategories)-1]
	for i := 1; i <= 2*nVendors; i++ {
		b.Products = append(b.Products, domain.Product{Record: pub(i, source()), ProductFields: domain.ProductFields{
			VendorID: domain.ID((i + 1) / 2), Name: fmt.Sprintf("Synthetic %s %d", word(r), i),
			Categories: []string{categories[r.IntN(len(categories))]}, ControlListEntries: []string{[]string{"4A005", "4D004", "5A001.j", "5A001.f"}[r.IntN(4)]}}})
	}
	agenciesOf := map[string][]int{}
	for i := 1; i <= nAgencies; i++ {
		state := buyers[buyerZipf.Uint64()]
		agenciesOf[state] = append(agenciesOf[state], i)
		b.Agencies = append(b.Agencies, domain.Agency{Record: pub(i, source()), AgencyFields: domain.AgencyFields{
			StateCode: state, Name: fmt.Sprintf("Synthetic %s Agency %d", word(r), i),
			Kind: []string{"intelligence", "police", "military", "ministry", "prosecutor"}[r.IntN(5)]}})
	}
	statuses := []string{"granted", "granted", "granted", "refused", "revoked", "expired", "unknown"}
	purposes := []*string{ptr("counter_terrorism"), ptr("serious_crime"), ptr("national_security"), ptr("law_enforcement"), nil} // nil: unknown
	for i := 1; i <= n; i++ {
		vendor := 1 + int(vendorZipf.Uint64())
		state := buyers[buyerZipf.Uint64()]
		f := domain.LicenseFields{
			Kind: []string{"export_authorization", "end_user_license"}[r.IntN(2)], VendorID: id(vendor),
			ProductIDs: []domain.ID{domain.ID(2*vendor - r.IntN(2))}, EndUserState: ptr(state), ExportingState: ptr(vendorHQ[vendor]),
			LicenseStatus: statuses[r.IntN(len(statuses))], StatedPurpose: purposes[r.IntN(len(purposes))],
			PurposeSpecificity: []string{"specific", "generic_assertion", "unknown"}[r.IntN(3)],
			Geography:          []string{state},
		}
		if as := agenciesOf[state]; len(as) > 0 && r.IntN(3) > 0 {
			f.EndUserAgencyID = id(as[r.IntN(len(as))])
		}
		if r.IntN(4) > 0 {
			f.MaxTargets = ptr(10 * (1 + r.IntN(50)))
			f.MaxConcurrentTargets = ptr(*f.MaxTargets / 2)
		}
		if r.IntN(5) > 0 {
			from := time.Date(2010+r.IntN(15), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
			f.ValidFrom, f.ValidFromPrecision = ptr(domain.DateAt(from, domain.PrecisionMonth)), ptr(domain.PrecisionMonth)
			if r.IntN(4) > 0 {
				f.ValidUntil, f.ValidUntilPrecision = ptr(domain.DateAt(from.AddDate(1+r.IntN(5), 0, 0), domain.PrecisionMonth)), ptr(domain.PrecisionMonth)
			}
		}
		b.Licenses = append(b.Licenses, domain.License{Record: pub(i, source()), LicenseFields: f})
	}
	for i := 1; i <= nTerminations; i++ {
		lic := b.Licenses[r.IntN(n)]
		b.Terminations = append(b.Terminations, domain.Termination{Record: pub(i, source()), TerminationFields: domain.TerminationFields{
			VendorID: *lic.VendorID, LicenseID: id(int(lic.ID)), StateCode: lic.EndUserState, AgencyID: lic.EndUserAgencyID,
			Reason: []string{"material_breach", "human_rights_concerns", "expiry", "other", "unknown"}[r.IntN(5)], InitiatedBy: "vendor",
			HumanRightsBasis: domain.Unknown, Scope: []string{"agency_only", "whole_state", "unknown"}[r.IntN(3)]}})
	}
	for i := 1; i <= nAllegations; i++ {
		lic := b.Licenses[r.IntN(n)]
		b.Allegations = append(b.Allegations, domain.Allegation{Record: pub(i, source()), AllegationFields: domain.AllegationFields{
			VendorID: lic.VendorID, ProductID: id(int(lic.ProductIDs[0])), OperatorState: lic.EndUserState, OperatorAgencyID: lic.EndUserAgencyID,
			TargetCategory: []string{"journalist", "human_rights_defender", "lawyer", "politician", "activist", "other"}[r.IntN(6)],
			TargetCountry:  lic.EndUserState, AllegationStatus: []string{"alleged", "forensically_confirmed", "denied", "disputed"}[r.IntN(4)]}})
	}
	qid := 0
	for i := 1; i <= nComms; i++ {
		var qs []domain.Question
		for p := 1; p <= 3; p++ {
			qid++
			qs = append(qs, domain.Question{ID: domain.ID(qid), Position: p, Text: fmt.Sprintf("Synthetic question %d?", p), AnswerStatus: "unanswered"})
		}
		b.Communications = append(b.Communications, domain.Communication{Record: pub(i, source()), CommunicationFields: domain.CommunicationFields{
			Reference: ptr(fmt.Sprintf("SYN %d/2026", i)), Kind: "letter", Sender: "Synthetic mandate", RecipientVendorID: id(1 + r.IntN(nVendors)),
			CopiedStates: []string{exporters[exporterZipf.Uint64()]}, SentOn: ptr(day(r)), SentOnPrecision: ptr(domain.PrecisionDay), Questions: qs}})
	}
	return b
}

// officialCodes are the officially assigned ISO 3166-1 codes, sorted.
func officialCodes() []string {
	var out []string
	for _, c := range domain.Countries() {
		if c.Official {
			out = append(out, c.Code)
		}
	}
	sort.Strings(out)
	return out
}

func shuffled(r *rand.Rand, in []string) []string {
	out := append([]string(nil), in...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// syllables make pronounceable synthetic names, so search has words to find.
var syllables = []string{"ka", "lo", "ri", "ven", "tor", "sa", "mi", "dex", "no", "qua", "zen", "bel", "fa", "ro", "ti", "gan"}

func word(r *rand.Rand) string {
	w := ""
	for range 2 + r.IntN(2) {
		w += syllables[r.IntN(len(syllables))]
	}
	return string(w[0]-32) + w[1:]
}

func day(r *rand.Rand) domain.Date {
	return domain.DateAt(time.Date(2010+r.IntN(16), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC), domain.PrecisionDay)
}

func ptr[T any](v T) *T { return &v }

func id(n int) *domain.ID {
	v := domain.ID(n)
	return &v
}
