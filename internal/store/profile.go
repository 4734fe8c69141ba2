package store

import (
	"context"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"
	"golang.org/x/sync/errgroup"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// ProfileSectionLimit caps each section of a country profile; the counts give the
// totals and the filtered lists give the rest.
const ProfileSectionLimit = 100

// Profile is everything the registry holds about one country, in one answer.
type Profile struct {
	State  domain.State  `json:"state"`
	Counts ProfileCounts `json:"counts"`
	// The state's agencies.
	Agencies []domain.Agency `json:"agencies"`
	// The vendors headquartered in the country.
	Vendors []domain.Vendor `json:"vendors"`
	// The products of those vendors.
	Products []domain.Product `json:"products"`
	// Licences naming the country as end-user state.
	LicensesTo []domain.License `json:"licenses_to"`
	// Licences naming the country as exporting state (a licence naming none is
	// from no country).
	LicensesFrom []domain.License `json:"licenses_from"`
	// Licences of the vendors headquartered in the country, whatever state they
	// name (or none).
	VendorLicenses []domain.License `json:"vendor_licenses"`
	// Terminations naming the country as the customer's state, directly or
	// through one of its agencies.
	Terminations []domain.Termination `json:"terminations"`
	// Terminations of the vendors headquartered in the country, whichever
	// customer they ended.
	VendorTerminations []domain.Termination `json:"vendor_terminations"`
	// Allegations naming the country as operator state or target country.
	Allegations []domain.Allegation `json:"allegations"`
	// Communications sent to the state or copying it.
	Communications []domain.Communication `json:"communications"`
}

// ProfileCounts are the totals of each profile section.
type ProfileCounts struct {
	// How many agencies (the section holds at most 100).
	Agencies int `json:"agencies"`
	// How many vendors.
	Vendors int `json:"vendors"`
	// How many products.
	Products int `json:"products"`
	// How many licences name the country as end-user state.
	LicensesTo int `json:"licenses_to"`
	// How many licences name the country as exporting state.
	LicensesFrom int `json:"licenses_from"`
	// How many licences its vendors hold.
	VendorLicenses int `json:"vendor_licenses"`
	// How many terminations name the country as the customer's state.
	Terminations int `json:"terminations"`
	// How many terminations its vendors made.
	VendorTerminations int `json:"vendor_terminations"`
	// How many allegations.
	Allegations int `json:"allegations"`
	// How many communications.
	Communications int `json:"communications"`
}

// Empty reports whether the profile holds no record at all, in any section.
func (c ProfileCounts) Empty() bool {
	return c == ProfileCounts{}
}

// The sections of a country profile, each a predicate shared by its page and count.
//
// Agencies are the state's; vendors are headquartered in it; products are its
// vendors'. Licences to it name it as end-user state; licences from it name it as
// exporting state, and only those: a vendor's headquarters do not say which state
// authorised an export. The licences of its vendors are a section of their own,
// whatever state they name, and so are the terminations of its vendors; the
// terminations of the country name it as the customer's state, directly or through
// one of its agencies. A record may be in two sections (a licence from a country's
// vendor that names it as exporting state). Allegations concern it when they name
// it (directly or through an agency) or are about one of its vendors.
// Communications are addressed to it, copy it, or are addressed to one of its
// vendors.
//
// StateProfile returns a country's profile. Unknown codes are ENOTFOUND.
func (s *Store) StateProfile(ctx context.Context, code string, drafts bool) (Profile, error) {
	st, err := s.GetState(ctx, code)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{State: st}
	// Like lists, a profile leaves retracted records out; they stay at their URLs.
	vis := []string{domain.StatusPublished}
	if drafts {
		vis = append(vis, domain.StatusDraft)
	}
	// Vendors place records in the country only when the reader may see them (see
	// vendorIn): a published product of a draft vendor is not the country's. They
	// are read first, and the sections they place are read by their ids: given a
	// subquery, SQLite cannot tell how many licences it will match and may walk
	// every licence in id order looking for a hundred, which for the many countries
	// with no vendor finds none after reading them all (36–53 ms of 100,000).
	hq, err := s.client.Vendor.Query().Where(vendorsOf(code, drafts)).IDs(ctx)
	if err != nil {
		return Profile{}, err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		q := s.client.Agency.Query().Order(ent.Asc("id")).Where(agency.StatusIn(statusValues[agency.Status](vis)...), agency.StateCode(code))
		p.Agencies, p.Counts.Agencies, err = section(ctx, q, s.agencies, drafts)
		return err
	})
	g.Go(func() (err error) {
		q := s.client.Vendor.Query().Order(ent.Asc("id")).Where(vendor.StatusIn(statusValues[vendor.Status](vis)...), vendor.HeadquartersCountry(code))
		p.Vendors, p.Counts.Vendors, err = section(ctx, q, s.vendors, drafts)
		return err
	})
	g.Go(func() (err error) {
		q := s.client.Product.Query().Order(ent.Asc("id")).Where(product.StatusIn(statusValues[product.Status](vis)...), idsIn(product.FieldVendorID, hq))
		p.Products, p.Counts.Products, err = section(ctx, q, s.products, drafts)
		return err
	})
	g.Go(func() (err error) {
		p.LicensesTo, p.Counts.LicensesTo, err = s.licenseSection(ctx, drafts, tallied{license.FieldEndUserState, code}, license.StatusIn(statusValues[license.Status](vis)...), license.EndUserState(code))
		return err
	})
	g.Go(func() (err error) {
		p.LicensesFrom, p.Counts.LicensesFrom, err = s.licenseSection(ctx, drafts, tallied{license.FieldExportingState, code}, license.StatusIn(statusValues[license.Status](vis)...), licensesFrom(code))
		return err
	})
	g.Go(func() (err error) {
		p.VendorLicenses, p.Counts.VendorLicenses, err = s.licenseSection(ctx, drafts, tallied{}, license.StatusIn(statusValues[license.Status](vis)...), idsIn(license.FieldVendorID, hq))
		return err
	})
	g.Go(func() (err error) {
		q := s.client.Termination.Query().Order(ent.Asc("id")).Where(termination.StatusIn(statusValues[termination.Status](vis)...),
			terminationsOf(code, drafts))
		p.Terminations, p.Counts.Terminations, err = section(ctx, q, s.terminations, drafts)
		return err
	})
	g.Go(func() (err error) {
		q := s.client.Termination.Query().Order(ent.Asc("id")).Where(termination.StatusIn(statusValues[termination.Status](vis)...),
			idsIn(termination.FieldVendorID, hq))
		p.VendorTerminations, p.Counts.VendorTerminations, err = section(ctx, q, s.terminations, drafts)
		return err
	})
	g.Go(func() (err error) {
		q := s.client.Allegation.Query().Order(ent.Asc("id")).Where(allegation.StatusIn(statusValues[allegation.Status](vis)...),
			allegation.Or(allegation.OperatorState(code), allegation.TargetCountry(code), idsIn(allegation.FieldVendorID, hq)))
		p.Allegations, p.Counts.Allegations, err = section(ctx, q, s.allegations, drafts)
		return err
	})
	g.Go(func() (err error) {
		q := s.client.Communication.Query().Order(ent.Asc("id")).Where(communication.StatusIn(statusValues[communication.Status](vis)...),
			communication.Or(communication.RecipientState(code), idsIn(communication.FieldRecipientVendorID, hq), func(s *sql.Selector) {
				s.Where(sqljson.ValueContains(s.C(communication.FieldCopiedStates), code))
			})).WithQuestions()
		p.Communications, p.Counts.Communications, err = section(ctx, q, s.communications, drafts)
		return err
	})
	return p, g.Wait()
}

// sectionQuery is what every ent query type offers a profile section.
type sectionQuery[E any, Q any] interface {
	Limit(int) Q
	All(context.Context) ([]E, error)
	Count(context.Context) (int, error)
	Clone() Q
}

// section returns the first ProfileSectionLimit rows of q (ordered by the caller), converted,
// and the total, counted only when the page is full.
func section[E any, D any, Q sectionQuery[E, Q]](ctx context.Context, q Q, conv func(context.Context, []E, bool) ([]D, error), drafts bool) ([]D, int, error) {
	total := 0
	rows, err := q.Clone().Limit(ProfileSectionLimit).All(ctx)
	if err != nil {
		return nil, 0, err
	}
	total = len(rows)
	if total == ProfileSectionLimit {
		if total, err = q.Count(ctx); err != nil {
			return nil, 0, err
		}
	}
	out, err := conv(ctx, rows, drafts)
	return out, total, err
}

// tallied names the tally's count of a licence section (column and country), or none.
type tallied struct{ column, code string }

// licenseSection is section for licences, read as the lists read them (readLicenses:
// rows scanned straight into the API's shape): the first ProfileSectionLimit the
// predicates keep, in id order, and the total, counted only when there are more
// (from the tally for a public section it names).
func (s *Store) licenseSection(ctx context.Context, drafts bool, t tallied, preds ...predicate.License) ([]domain.License, int, error) {
	rows, next, err := s.readLicenses(ctx, preds, ProfileSectionLimit, drafts)
	if err != nil || next == "" {
		return rows, len(rows), err
	}
	if !drafts && t.column != "" {
		if n, ok, err := s.publishedLicenses(ctx, t.column, t.code); err != nil || ok {
			return rows, n, err
		}
	}
	total, err := s.client.License.Query().Where(preds...).Count(ctx)
	return rows, total, err
}
