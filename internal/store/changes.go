package store

import (
	"context"
	"encoding/base64"
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
	Seq        int64     `json:"seq"`
	RecordType string    `json:"record_type" enums:"vendor,product,agency,license,termination,allegation,communication,source"`
	RecordID   domain.ID `json:"record_id"`
	Revision   int       `json:"revision"`
	Action     string    `json:"action" enums:"create,update,publish,retract"`
	At         time.Time `json:"at"`
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

// changeScan bounds the revisions one call reads when filters skip most of them; the
// returned cursor then marks how far the scan got, so polling still moves on.
const changeScan = 5000

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
func (s *Store) Changes(ctx context.Context, p ChangeParams) ([]Change, int64, bool, error) {
	limit := p.Limit
	if limit <= 0 || limit > MaxLimit {
		limit = DefaultLimit
	}
	var out []Change
	pos := p.After
	scanned := 0
	more := false
	for len(out) < limit && scanned < changeScan {
		q := s.client.Revision.Query().Where(revision.Public(true))
		if p.Newest {
			if pos > 0 {
				q = q.Where(revision.IDLT(int(pos)))
			}
			q = q.Order(ent.Desc(revision.FieldID))
		} else {
			q = q.Where(revision.IDGT(int(pos))).Order(ent.Asc(revision.FieldID))
		}
		rows, err := q.Limit(500).All(ctx)
		if err != nil {
			return nil, 0, false, err
		}
		for i, r := range rows {
			pos = int64(r.ID)
			scanned++
			if matches(r, p) {
				out = append(out, toChange(r))
				if len(out) == limit {
					more = i < len(rows)-1 || len(rows) == 500
					break
				}
			}
		}
		if len(rows) < 500 {
			break
		}
		if len(out) < limit {
			more = true
		}
	}
	if scanned >= changeScan {
		more = true
	}
	return out, pos, more, nil
}

// toChange summarises a revision for the feed.
func toChange(r *ent.Revision) Change {
	label := ""
	for _, k := range []string{"name", "title", "reference", "slug"} {
		if v, ok := r.After[k].(string); ok && v != "" {
			label = v
			break
		}
	}
	if label == "" {
		label = string(r.RecordType) + " " + strconv.Itoa(r.RecordID)
	}
	return Change{Seq: int64(r.ID), RecordType: string(r.RecordType), RecordID: domain.ID(r.RecordID), Revision: r.Revision,
		Action: string(r.Action), At: r.At.UTC(), Label: label, Reason: r.Reason}
}

// countryFields are the fields of any record that name a country.
var countryFields = []string{"headquarters_country", "state_code", "end_user_state", "exporting_state", "operator_state", "target_country", "recipient_state"}

// countryLists are the fields that list countries.
var countryLists = []string{"other_jurisdictions", "copied_states", "geography"}

// matches reports whether a change passes the feed's filters, judged on the record as
// the change left it.
func matches(r *ent.Revision, p ChangeParams) bool {
	rec := r.After
	if p.Country != "" {
		found := false
		for _, f := range countryFields {
			found = found || rec[f] == p.Country
		}
		for _, f := range countryLists {
			if list, ok := rec[f].([]any); ok {
				found = found || slices.Contains(list, any(p.Country))
			}
		}
		if !found {
			return false
		}
	}
	if p.VendorID > 0 {
		id := strconv.Itoa(p.VendorID)
		ok := (r.RecordType == revision.RecordTypeVendor && r.RecordID == p.VendorID) ||
			rec["vendor_id"] == id || rec["recipient_vendor_id"] == id
		if !ok {
			return false
		}
	}
	return true
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
