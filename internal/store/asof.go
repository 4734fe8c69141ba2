package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// Reads as of a time: what was public then, rebuilt from the revisions. A record's
// state at a time is the record after its latest public revision at or before it: a
// record with none was not public then (a draft, or not yet written). Revisions keep
// records as staff saw them, drafts' summaries included, so a snapshot is redacted as
// history redacts it (publicSnapshot): it keeps only the citations of sources that
// were public then and still are, each summarised as it is now. A retracted record
// stays at its URL, marked retracted, as it does today; lists leave it out unless
// asked for, as they do today.

// asOfBatch is how many revisions a list as of a time reads at a time (a variable
// for the tests, which page across batches).
var asOfBatch = 500

// baseOf is the common part of a record (every record type offers Base).
func baseOf(r any) domain.Record {
	if b, ok := r.(interface{ Base() domain.Record }); ok {
		return b.Base()
	}
	return domain.Record{}
}

// DatasetVersionAt is the dataset version at a time: the id of the latest public
// change made at or before it ("0" when there was none).
func (s *Store) DatasetVersionAt(ctx context.Context, at time.Time) (string, error) {
	r, err := s.client.Revision.Query().Where(revision.Public(true), revision.AtLTE(at)).
		Order(ent.Desc(revision.FieldID)).Select(revision.FieldID).First(ctx)
	switch {
	case ent.IsNotFound(err):
		return "0", nil
	case err != nil:
		return "", err
	}
	return strconv.Itoa(r.ID), nil
}

// RecordAt returns a record of a type (a revision's record type) as it was public
// at a time; ENOTFOUND when it was not public then.
func RecordAt[R any](ctx context.Context, s *Store, recordType string, id int, at time.Time) (R, error) {
	var zero R
	r, err := s.client.Revision.Query().
		Where(revision.RecordTypeEQ(revision.RecordType(recordType)), revision.RecordID(id), revision.Public(true), revision.AtLTE(at)).
		Order(ent.Desc(revision.FieldRevision)).First(ctx)
	switch {
	case ent.IsNotFound(err):
		return zero, domain.NotFound(recordType, domain.ID(id).String())
	case err != nil:
		return zero, err
	}
	out, err := snapshotsAt[R](ctx, s, []*ent.Revision{r}, at)
	if err != nil {
		return zero, err
	}
	return out[0], nil
}

// VendorAt returns a vendor, by id or by its slug now, as it was public at a time.
func (s *Store) VendorAt(ctx context.Context, ref string, at time.Time) (domain.Vendor, error) {
	id, err := s.vendorRef(ref, domain.PublicStatuses).OnlyID(ctx)
	if ent.IsNotFound(err) {
		return domain.Vendor{}, domain.NotFound("vendor", ref)
	}
	if err != nil {
		return domain.Vendor{}, err
	}
	return RecordAt[domain.Vendor](ctx, s, "vendor", id, at)
}

// ListAt lists the records of a type as they were public at a time, by id, from
// after p.After: those whose status then is one of p.Statuses (never a draft: no
// draft was public), updated since p.UpdatedSince, and that the filters a list as of
// a time applies keep (see matchAt; the HTTP layer refuses the others). It returns
// the page and the cursor of the next ("" on the last).
func ListAt[R any](ctx context.Context, s *Store, recordType string, p ListParams, at time.Time) ([]R, string, error) {
	vendorID := 0
	if p.Vendor != "" {
		id, err := s.vendorID(ctx, p.Vendor, domain.PublicStatuses)
		if err != nil {
			return nil, "", err
		}
		vendorID = id
	}
	match := matchAt(p, domain.ID(vendorID))
	rows, err := scanAt(ctx, s, recordType, p.After, p.limit()+1, at, func(r R) bool {
		b := baseOf(r)
		return slices.Contains(p.Statuses, b.Status) && (p.UpdatedSince == nil || !b.UpdatedAt.Before(*p.UpdatedSince)) &&
			match(r)
	})
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(r R) int { return int(baseOf(r).ID) })
	return rows, next, nil
}

// ListAtFilters are the filters a list as of a time applies, by record type, beside
// status and updated_since: those a record's snapshot answers alone, without a join
// to another record as it was then.
var ListAtFilters = map[string][]string{
	"vendor":        {"country"},
	"agency":        {"country"},
	"product":       {"vendor"},
	"license":       {"country", "exporter_country", "vendor", "agency"},
	"termination":   {"vendor", "agency"},
	"allegation":    {"country", "vendor", "agency"},
	"communication": {"country", "vendor"},
	"source":        {},
}

// matchAt tests a record as it was at a time against the filters of ListAtFilters,
// each with the meaning its list gives it (store's List* functions), and a
// licence's or allegation's own status; vendorID is the vendor filter resolved.
func matchAt(p ListParams, vendorID domain.ID) func(any) bool {
	is := func(v *string, code string) bool { return code == "" || v != nil && *v == code }
	ref := func(v *domain.ID, want domain.ID) bool { return want == 0 || v != nil && *v == want }
	agency := domain.ID(p.AgencyID)
	kind := func(st string) bool { return len(p.KindStatuses) == 0 || slices.Contains(p.KindStatuses, st) }
	return func(r any) bool {
		switch r := r.(type) {
		case domain.Vendor:
			return is(r.HeadquartersCountry, p.Country)
		case domain.Agency:
			return is(&r.StateCode, p.Country)
		case domain.Product:
			return ref(&r.VendorID, vendorID)
		case domain.License:
			return is(r.EndUserState, p.Country) && is(r.ExportingState, p.ExporterCountry) && ref(r.VendorID, vendorID) &&
				ref(r.EndUserAgencyID, agency) && kind(r.LicenseStatus)
		case domain.Termination:
			return ref(&r.VendorID, vendorID) && ref(r.AgencyID, agency)
		case domain.Allegation:
			return (is(r.OperatorState, p.Country) || is(r.TargetCountry, p.Country)) && ref(r.VendorID, vendorID) &&
				ref(r.OperatorAgencyID, agency) && kind(r.AllegationStatus)
		case domain.Communication:
			return (is(r.RecipientState, p.Country) || p.Country != "" && slices.Contains(r.CopiedStates, p.Country)) &&
				ref(r.RecipientVendorID, vendorID)
		}
		return true
	}
}

// scanAt returns, by id from after, up to want (all when want < 0) of the records of
// a type as they were public at a time that keep keeps.
func scanAt[R any](ctx context.Context, s *Store, recordType string, after, want int, at time.Time, keep func(R) bool) ([]R, error) {
	var out []R
	for want < 0 || len(out) < want {
		// The latest public revision at the time of each record: ordered by record,
		// latest first, the first row of each record is its latest.
		heads, err := s.client.Revision.Query().
			Where(revision.RecordTypeEQ(revision.RecordType(recordType)), revision.Public(true), revision.AtLTE(at), revision.RecordIDGT(after)).
			Order(ent.Asc(revision.FieldRecordID), ent.Desc(revision.FieldRevision)).
			Select(revision.FieldID, revision.FieldRecordID).Limit(asOfBatch).All(ctx)
		if err != nil {
			return nil, err
		}
		if len(heads) == 0 {
			break
		}
		var ids []int
		for i, h := range heads {
			if i == 0 || heads[i-1].RecordID != h.RecordID {
				ids = append(ids, h.ID)
			}
		}
		after = heads[len(heads)-1].RecordID
		revs, err := s.client.Revision.Query().Where(revision.IDIn(ids...)).Order(ent.Asc(revision.FieldRecordID)).All(ctx)
		if err != nil {
			return nil, err
		}
		recs, err := snapshotsAt[R](ctx, s, revs, at)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if keep(r) {
				out = append(out, r)
				if len(out) == want {
					break
				}
			}
		}
		if len(heads) < asOfBatch {
			break
		}
	}
	return out, nil
}

// snapshotsAt returns the records of public revisions as the public saw them at a
// time: history's redaction (publicSnapshot, publicStatementsOf), keeping only the citations of sources
// that were public then too.
func snapshotsAt[R any](ctx context.Context, s *Store, revs []*ent.Revision, at time.Time) ([]R, error) {
	snaps := make([]map[string]any, len(revs))
	for i, r := range revs {
		domain.ReduceSnapshotDates(r.After)
		snaps[i] = r.After
	}
	if err := s.completeImported(ctx, revs); err != nil {
		return nil, err
	}
	public, err := s.statedNames(ctx, snaps)
	if err != nil {
		return nil, err
	}
	refs, err := s.publicSourceRefs(ctx, citedSources(snaps))
	if err != nil {
		return nil, err
	}
	if len(refs) > 0 {
		ids := make([]int, 0, len(refs))
		for id := range refs {
			ids = append(ids, id)
		}
		then, err := s.client.Revision.Query().
			Where(revision.RecordTypeEQ(revision.RecordTypeSource), revision.RecordIDIn(ids...), revision.Public(true), revision.AtLTE(at)).
			Select(revision.FieldRecordID).All(ctx)
		if err != nil {
			return nil, err
		}
		publicThen := map[int]bool{}
		for _, r := range then {
			publicThen[r.RecordID] = true
		}
		for id := range refs {
			if !publicThen[id] {
				delete(refs, id)
			}
		}
	}
	out := make([]R, len(revs))
	for i, r := range revs {
		b, err := json.Marshal(publicStatementsOf(publicSnapshot(snaps[i], refs), public))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &out[i]); err != nil {
			return nil, fmt.Errorf("%s %d revision %d: %w", r.RecordType, r.RecordID, r.Revision, err)
		}
	}
	return out, nil
}

// StateProfileAt returns a country's profile as it was public at a time: the
// sections of StateProfile, each rebuilt from the records as they were then. A
// vendor or an agency places a record in the country when it was public then and
// of the country then.
func (s *Store) StateProfileAt(ctx context.Context, code string, at time.Time) (Profile, error) {
	st, err := s.GetState(ctx, code)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{State: st}
	published := func(r domain.Record) bool { return r.Status == domain.StatusPublished }
	is := func(v *string) bool { return v != nil && *v == code }
	in := func(set map[domain.ID]bool, id *domain.ID) bool { return id != nil && set[*id] }

	// The country's vendors and agencies then, retracted ones too (as vendorIn).
	hq := map[domain.ID]bool{}
	vendors, err := scanAt(ctx, s, "vendor", 0, -1, at, func(v domain.Vendor) bool { return is(v.HeadquartersCountry) })
	if err != nil {
		return p, err
	}
	for _, v := range vendors {
		hq[v.ID] = true
	}
	own := map[domain.ID]bool{}
	agencies, err := scanAt(ctx, s, "agency", 0, -1, at, func(a domain.Agency) bool { return a.StateCode == code })
	if err != nil {
		return p, err
	}
	for _, a := range agencies {
		own[a.ID] = true
	}
	p.Agencies, p.Counts.Agencies = sectionOf(agencies, func(a domain.Agency) bool { return published(a.Record) })
	p.Vendors, p.Counts.Vendors = sectionOf(vendors, func(v domain.Vendor) bool { return published(v.Record) })
	if p.Products, p.Counts.Products, err = sectionAt(ctx, s, "product", at, func(r domain.Product) bool {
		return published(r.Record) && hq[r.VendorID]
	}); err != nil {
		return p, err
	}
	licenses, err := scanAt(ctx, s, "license", 0, -1, at, func(r domain.License) bool { return published(r.Record) })
	if err != nil {
		return p, err
	}
	p.LicensesTo, p.Counts.LicensesTo = sectionOf(licenses, func(r domain.License) bool { return is(r.EndUserState) })
	p.LicensesFrom, p.Counts.LicensesFrom = sectionOf(licenses, func(r domain.License) bool { return is(r.ExportingState) })
	p.VendorLicenses, p.Counts.VendorLicenses = sectionOf(licenses, func(r domain.License) bool { return in(hq, r.VendorID) })
	terminations, err := scanAt(ctx, s, "termination", 0, -1, at, func(r domain.Termination) bool { return published(r.Record) })
	if err != nil {
		return p, err
	}
	p.Terminations, p.Counts.Terminations = sectionOf(terminations, func(r domain.Termination) bool {
		return is(r.StateCode) || in(own, r.AgencyID)
	})
	p.VendorTerminations, p.Counts.VendorTerminations = sectionOf(terminations, func(r domain.Termination) bool { return hq[r.VendorID] })
	if p.Allegations, p.Counts.Allegations, err = sectionAt(ctx, s, "allegation", at, func(r domain.Allegation) bool {
		return published(r.Record) && (is(r.OperatorState) || is(r.TargetCountry) || in(hq, r.VendorID))
	}); err != nil {
		return p, err
	}
	p.Communications, p.Counts.Communications, err = sectionAt(ctx, s, "communication", at, func(r domain.Communication) bool {
		return published(r.Record) && (is(r.RecipientState) || in(hq, r.RecipientVendorID) || slices.Contains(r.CopiedStates, code))
	})
	return p, err
}

// sectionAt is a profile section as of a time: the records of a type then that keep
// keeps.
func sectionAt[R any](ctx context.Context, s *Store, recordType string, at time.Time, keep func(R) bool) ([]R, int, error) {
	rows, err := scanAt(ctx, s, recordType, 0, -1, at, keep)
	if err != nil {
		return nil, 0, err
	}
	out, n := sectionOf(rows, func(R) bool { return true })
	return out, n, nil
}

// sectionOf is a profile section of rows: the first ProfileSectionLimit that keep
// keeps, and their total.
func sectionOf[R any](rows []R, keep func(R) bool) ([]R, int) {
	out := []R{}
	n := 0
	for _, r := range rows {
		if keep(r) {
			if n < ProfileSectionLimit {
				out = append(out, r)
			}
			n++
		}
	}
	return out, n
}

// completeImported fills in what an import's revision may not hold: an import keeps
// the record as the dataset gave it, which may leave out its id, its revision, its
// times (the record's creation, which no later change moves, gives them) and its
// citations' ids (the import gave them to the citations in order: the record's
// citations of each source now, by id, are the snapshot's in order).
func (s *Store) completeImported(ctx context.Context, revs []*ent.Revision) error {
	type cited struct{ record, source int }
	var undated, uncited []int
	for _, r := range revs {
		r.After["id"] = domain.ID(r.RecordID).String()
		r.After["revision"] = r.Revision
		for _, k := range []string{"created_at", "updated_at"} {
			if v, _ := r.After[k].(string); v == "" || strings.HasPrefix(v, "0001-01-01") {
				undated = append(undated, r.RecordID)
				break
			}
		}
		for _, c := range snapshotCitations(r.After) {
			if id, _ := c["id"].(string); id == "" || id == "0" {
				uncited = append(uncited, r.RecordID)
				break
			}
		}
	}
	if len(undated) > 0 {
		b := entsql.Dialect(s.dialect)
		query, args := b.Select("id", "created_at").From(b.Table(recordTables[revs[0].RecordType.String()])).
			Where(entsql.InInts("id", undated...)).Query()
		created := map[int]time.Time{}
		if err := s.scanRows(ctx, query, args, func(scan func(...any) error) error {
			var (
				id int
				at time.Time
			)
			err := scan(&id, &at)
			created[id] = at
			return err
		}); err != nil {
			return err
		}
		for _, r := range revs {
			for _, k := range []string{"created_at", "updated_at"} {
				if v, _ := r.After[k].(string); (v == "" || strings.HasPrefix(v, "0001-01-01")) && !created[r.RecordID].IsZero() {
					r.After[k] = created[r.RecordID].UTC().Format(time.RFC3339Nano)
				}
			}
		}
	}
	if len(uncited) == 0 {
		return nil
	}
	rows, err := s.client.Citation.Query().
		Where(citation.RecordTypeEQ(citation.RecordType(revs[0].RecordType)), citation.RecordIDIn(uncited...)).
		Order(ent.Asc(citation.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	ids := map[cited][]int{}
	for _, c := range rows {
		k := cited{c.RecordID, c.SourceID}
		ids[k] = append(ids[k], c.ID)
	}
	for _, r := range revs {
		for _, c := range snapshotCitations(r.After) {
			if id, _ := c["id"].(string); id != "" && id != "0" {
				continue
			}
			src, _ := citedSource(c)
			k := cited{r.RecordID, src}
			c["id"] = nil // no citation of this source now: its id is not known
			if len(ids[k]) > 0 {
				c["id"], ids[k] = domain.ID(ids[k][0]).String(), ids[k][1:]
			}
		}
	}
	return nil
}

// recordTables are the tables of the record types.
var recordTables = map[string]string{
	"vendor": vendor.Table, "product": product.Table, "agency": agency.Table, "license": license.Table,
	"termination": termination.Table, "allegation": allegation.Table, "communication": communication.Table, "source": source.Table,
}
