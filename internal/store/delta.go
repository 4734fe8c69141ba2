package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/internal/domain"
)

// Operations of a delta, as OpenSanctions' delta files name them.
const (
	DeltaAdd = "ADD"
	DeltaMod = "MOD"
	DeltaDel = "DEL"
)

// DeltaOp is one line of a delta between two dataset versions: a record that joined
// the published records (ADD), changed while published (MOD) or left them, retracted
// (DEL). Entity is the record as it is public at the later version, in the API's
// shape: for a DEL, the retracted record with its reason.
type DeltaOp struct {
	Op         string         `json:"op" enums:"ADD,MOD,DEL"`
	RecordType string         `json:"record_type" enums:"vendor,product,agency,license,termination,allegation,communication,source"`
	Entity     map[string]any `json:"entity"`
}

// deltaBatch is how many records a delta reads at a time: memory stays bounded
// however many records changed between the versions.
var deltaBatch = 500

// IsVersion reports whether v is a dataset version this registry has had: 0 (the
// empty registry) or the id of a public revision.
func (s *Store) IsVersion(ctx context.Context, v int64) (bool, error) {
	if v == 0 {
		return true, nil
	}
	if v < 0 || v > int64(^uint32(0)>>1) {
		return false, nil
	}
	return s.client.Revision.Query().Where(revision.ID(int(v)), revision.Public(true)).Exist(ctx)
}

// CheckDeltaVersions checks the versions of a delta: each one this registry has had
// (IsVersion), from no later than to. A problem names from or to.
func (s *Store) CheckDeltaVersions(ctx context.Context, from, to int64) error {
	current, err := s.DatasetVersion(ctx)
	if err != nil {
		return err
	}
	for _, v := range []struct {
		name    string
		version int64
	}{{"from", from}, {"to", to}} {
		ok, err := s.IsVersion(ctx, v.version)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Invalid(v.name, fmt.Sprintf("%d is not a dataset version of this registry: a version is the X-Dataset-Version of an answer (the current one is %s), or 0", v.version, current))
		}
	}
	if from > to {
		return domain.Invalid("from", fmt.Sprintf("%d is later than to (%d): a delta goes from an earlier version to a later one", from, to))
	}
	return nil
}

// Delta calls each with the operations that take the published records of dataset
// version from to those of version to (from ≤ to, both versions), in the order of
// each record's last public change up to to. A record's state at a version is its
// latest public revision at or before it; only records with a public revision
// between the versions can differ. A record published at both whose public content
// is the same but for its revision and updated_at (a citation of a draft source
// added, say) is not listed, and a record published and retracted between the
// versions was in neither. Snapshots show what is public now, as public history
// does (see publicSnapshots): no draft shows, nor a draft source a record cites.
func (s *Store) Delta(ctx context.Context, from, to int64, each func(DeltaOp) error) error {
	if from >= to {
		return nil
	}
	// The records changed publicly between the versions, each with its revision at to.
	var changed []changedRecord
	err := s.client.Revision.Query().
		Where(revision.Public(true), revision.IDGT(int(from)), revision.IDLTE(int(to))).
		GroupBy(revision.FieldRecordType, revision.FieldRecordID).
		Aggregate(ent.Max(revision.FieldID)).Scan(ctx, &changed)
	if err != nil {
		return err
	}
	// In the order of the changes; ids are unique, so the order is total.
	slices.SortFunc(changed, func(a, b changedRecord) int { return cmp.Compare(a.Max, b.Max) })
	for start := 0; start < len(changed); start += deltaBatch {
		batch := changed[start:min(start+deltaBatch, len(changed))]
		atTo := make([]int, len(batch))
		byType := map[string][]int{}
		for i, r := range batch {
			atTo[i] = r.Max
			byType[r.RecordType] = append(byType[r.RecordType], r.RecordID)
		}
		atFrom, err := s.revisionsAt(ctx, from, byType)
		if err != nil {
			return err
		}
		ids := atTo
		for _, id := range atFrom {
			ids = append(ids, id)
		}
		snaps, err := s.snapshots(ctx, ids)
		if err != nil {
			return err
		}
		for _, r := range batch {
			after := snaps[r.Max]
			var before map[string]any
			if id, ok := atFrom[recordKey{r.RecordType, r.RecordID}]; ok {
				before = snaps[id]
			}
			op := deltaOp(before, after)
			if op == "" {
				continue
			}
			if err := each(DeltaOp{Op: op, RecordType: r.RecordType, Entity: after}); err != nil {
				return err
			}
		}
	}
	return nil
}

// changedRecord is a record changed publicly between two versions, and the id of its
// latest public revision up to the later one.
type changedRecord struct {
	RecordType string `json:"record_type"`
	RecordID   int    `json:"record_id"`
	Max        int    `json:"max"`
}

// recordKey names a record by its type and id.
type recordKey struct {
	recordType string
	id         int
}

// revisionsAt returns, for the records listed by type, the id of each one's latest
// public revision at or before version v (none for a record not public then).
func (s *Store) revisionsAt(ctx context.Context, v int64, byType map[string][]int) (map[recordKey]int, error) {
	out := map[recordKey]int{}
	if v == 0 {
		return out, nil
	}
	for rt, ids := range byType {
		var rows []struct {
			RecordID int `json:"record_id"`
			Max      int `json:"max"`
		}
		err := s.client.Revision.Query().
			Where(revision.Public(true), revision.IDLTE(int(v)), revision.RecordTypeEQ(revision.RecordType(rt)), revision.RecordIDIn(ids...)).
			GroupBy(revision.FieldRecordID).Aggregate(ent.Max(revision.FieldID)).Scan(ctx, &rows)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[recordKey{rt, r.RecordID}] = r.Max
		}
	}
	return out, nil
}

// snapshots returns the records the revisions ids left, by revision id, as the
// public sees them now.
func (s *Store) snapshots(ctx context.Context, ids []int) (map[int]map[string]any, error) {
	rows, err := s.client.Revision.Query().Where(revision.IDIn(ids...)).
		Select(revision.FieldID, revision.FieldAfter).All(ctx)
	if err != nil {
		return nil, err
	}
	snaps := make([]*map[string]any, len(rows))
	for i, r := range rows {
		domain.ReduceSnapshotDates(r.After)
		snaps[i] = &r.After
	}
	if err := s.publicSnapshots(ctx, snaps); err != nil {
		return nil, err
	}
	out := make(map[int]map[string]any, len(rows))
	for _, r := range rows {
		out[r.ID] = r.After
	}
	return out, nil
}

// deltaOp is the operation that takes a record from its published state before (nil:
// none) to after, or "" for none.
func deltaOp(before, after map[string]any) string {
	was, is := published(before), published(after)
	switch {
	case !was && is:
		return DeltaAdd
	case was && !is:
		return DeltaDel
	case was && is && !reflect.DeepEqual(content(before), content(after)):
		return DeltaMod
	}
	return ""
}

// published reports whether a snapshot is of a published record.
func published(snap map[string]any) bool {
	return snap != nil && snap["status"] == domain.StatusPublished
}

// content is a snapshot without what every change moves (its revision and time).
func content(snap map[string]any) map[string]any {
	out := maps.Clone(snap)
	delete(out, "revision")
	delete(out, "updated_at")
	return out
}
