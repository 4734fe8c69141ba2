package store

import (
	"context"
	stdsql "database/sql"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/internal/domain"
)

// Change is one public change to a record: a publication, a correction of a public
// record, a retraction. Its Seq orders all changes.
type Change struct {
	// The change's position in the feed; later changes have higher ones.
	Seq int64 `json:"seq"`
	// The kind of record changed: vendor, product, agency, license, termination,
	// allegation, communication or source.
	RecordType string `json:"record_type" enums:"vendor,product,agency,license,termination,allegation,communication,source"`
	// The changed record's id.
	RecordID domain.ID `json:"record_id"`
	// The record's revision this change made.
	Revision int `json:"revision"`
	// What the change did: create, update (a correction), publish or retract.
	Action string `json:"action" enums:"create,update,publish,retract"`
	// When the change was made (RFC 3339, UTC).
	At time.Time `json:"at"`
	// Label is the record's name or title as of the change.
	Label string `json:"label"`
	// Reason is a retraction's reason.
	Reason *string `json:"reason" extensions:"x-nullable"`
}

// ChangeParams filter and page the change feed.
type ChangeParams struct {
	// After is the feed position to read from (0: the beginning).
	After int64
	// Country keeps changes of records that name the country in any of their country
	// fields; Vendor keeps changes of the vendor or of records about it (by id).
	Country  string
	VendorID int
	Limit    int
	// Newest reads backwards from the newest change (Atom feeds); After is then ignored.
	Newest bool
}

// EncodeFeedCursor returns the opaque cursor of a feed position.
func EncodeFeedCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("f1:" + strconv.FormatInt(seq, 10)))
}

// DecodeFeedCursor reads a feed cursor.
func DecodeFeedCursor(s string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if v, ok := strings.CutPrefix(string(b), "f1:"); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && EncodeFeedCursor(n) == s {
				return n, nil
			}
		}
	}
	return 0, domain.Invalid("since", "not a cursor this registry issued")
}

// Changes returns public changes in order after p.After, and the position to poll
// from next. A poller that always passes the returned position sees every public
// change exactly once: revision ids are handed out in commit order (see inWriteTx),
// and a position is never past a change not yet returned.
//
// The country and vendor filters read revision_mentions, which revise writes beside
// each revision: the query walks that index from the position, so a filtered page
// costs its own rows, however rare the country.
func (s *Store) Changes(ctx context.Context, p ChangeParams) ([]Change, int64, bool, error) {
	limit := p.Limit
	if limit <= 0 || limit > MaxLimit {
		limit = DefaultLimit
	}
	query, args := s.changesQuery(p, limit+1)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, false, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var (
			ch     Change
			id     int64
			reason stdsql.NullString
			after  []byte
		)
		if err := rows.Scan(&ch.Seq, &ch.RecordType, &id, &ch.Revision, &ch.Action, &ch.At, &reason, &after); err != nil {
			return nil, 0, false, err
		}
		ch.RecordID, ch.At = domain.ID(id), ch.At.UTC()
		if reason.Valid {
			ch.Reason = &reason.String
		}
		ch.Label = label(ch.RecordType, id, after)
		out = append(out, ch)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	pos := p.After
	if len(out) > 0 {
		pos = out[len(out)-1].Seq
	}
	return out, pos, more, nil
}

// changeColumns are the revision columns a Change is made of, in Scan's order.
const changeColumns = "r.id, r.record_type, r.record_id, r.revision, r.action, r.at, r.reason, r.after"

// changesQuery is the feed's query: public revisions after (or, newest first,
// before) the position, through the mentions of the country and vendor filtered on.
// The position and order are on the driving mention's column, so the database walks
// the (country, revision_id) or (vendor_id, revision_id) index.
func (s *Store) changesQuery(p ChangeParams, n int) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("SELECT " + changeColumns + " FROM revisions r")
	key := "r.id"
	if p.Country != "" {
		b.WriteString(" JOIN revision_mentions mc ON mc.revision_id = r.id AND mc.country = ?")
		args = append(args, p.Country)
		key = "mc.revision_id"
	}
	if p.VendorID > 0 {
		b.WriteString(" JOIN revision_mentions mv ON mv.revision_id = r.id AND mv.vendor_id = ?")
		args = append(args, p.VendorID)
		if p.Country == "" {
			key = "mv.revision_id"
		}
	}
	b.WriteString(" WHERE r.public = TRUE")
	switch {
	case p.Newest && p.After > 0:
		b.WriteString(" AND " + key + " < ?")
		args = append(args, p.After)
	case !p.Newest:
		b.WriteString(" AND " + key + " > ?")
		args = append(args, p.After)
	}
	order := " ASC"
	if p.Newest {
		order = " DESC"
	}
	b.WriteString(" ORDER BY " + key + order + " LIMIT " + strconv.Itoa(n))
	return s.rebind(b.String()), args
}

// label is a change's label: the record's name or title as the change left it.
func label(recordType string, id int64, after []byte) string {
	var rec struct{ Name, Title, Reference, Slug *string }
	if len(after) > 0 && json.Unmarshal(after, &rec) == nil {
		for _, v := range []*string{rec.Name, rec.Title, rec.Reference, rec.Slug} {
			if v != nil && *v != "" {
				return *v
			}
		}
	}
	return recordType + " " + strconv.FormatInt(id, 10)
}

// countryFields are the fields of any record that name a country.
var countryFields = []string{"headquarters_country", "state_code", "end_user_state", "exporting_state", "operator_state", "target_country", "recipient_state"}

// countryLists are the fields that list countries.
var countryLists = []string{"other_jurisdictions", "copied_states", "geography"}

// vendorFields are the fields by which a record is about a vendor.
var vendorFields = []string{"vendor_id", "recipient_vendor_id"}

// mentions returns the countries and vendors a record names, as a change left it
// (rec is the record's JSON object): what the feed's country and vendor filters find
// it by. A vendor's own changes name it.
func mentions(recordType string, id int, rec map[string]any) (countries []string, vendors []int) {
	for _, f := range countryFields {
		if v, ok := rec[f].(string); ok && v != "" {
			countries = append(countries, v)
		}
	}
	for _, f := range countryLists {
		list, _ := rec[f].([]any)
		for _, v := range list {
			if v, ok := v.(string); ok && v != "" {
				countries = append(countries, v)
			}
		}
	}
	if recordType == string(revision.RecordTypeVendor) {
		vendors = append(vendors, id)
	}
	for _, f := range vendorFields {
		if v, ok := rec[f].(string); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				vendors = append(vendors, n)
			}
		}
	}
	slices.Sort(countries)
	slices.Sort(vendors)
	return slices.Compact(countries), slices.Compact(vendors)
}

// VendorIDOf resolves a public vendor reference (id or slug) for the feed's filter.
func (s *Store) VendorIDOf(ctx context.Context, ref string) (int, error) {
	id, err := s.vendorID(ctx, ref, domain.PublicStatuses)
	if err != nil {
		return 0, err
	}
	return id, nil
}

// LastChange returns the time of the newest public change, or the zero time.
func (s *Store) LastChange(ctx context.Context) (time.Time, error) {
	r, err := s.client.Revision.Query().Where(revision.Public(true)).Order(ent.Desc(revision.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return r.At.UTC(), nil
}
