package store

import (
	"context"
	"slices"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/user"
	"github.com/export-registry/registry/internal/domain"
)

// History returns the changes of a record, oldest first. Readers without drafts see
// only the public changes: what a record looked like while it was a draft is not
// public, even after it is published. Nor is what it cited: see publicSnapshots.
func (s *Store) History(ctx context.Context, recordType string, id int, drafts bool) ([]domain.Change, error) {
	q := s.client.Revision.Query().
		Where(revision.RecordTypeEQ(revision.RecordType(recordType)), revision.RecordID(id)).
		WithActor().
		Order(ent.Asc(revision.FieldRevision), ent.Asc(revision.FieldID))
	if !drafts {
		q = q.Where(revision.Public(true))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	names, err := s.requesters(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Change, len(rows))
	for i, r := range rows {
		actor := "registry"
		if r.Edges.Actor != nil {
			actor = r.Edges.Actor.DisplayName
		}
		domain.ReduceSnapshotDates(r.Before)
		domain.ReduceSnapshotDates(r.After)
		out[i] = domain.Change{
			Revision: r.Revision, Action: string(r.Action), At: r.At.UTC(), Actor: actor,
			Reason: r.Reason, Before: r.Before, After: r.After,
		}
		if r.RequestedByID != nil {
			name := names[*r.RequestedByID]
			out[i].RequestedBy = &name
		}
	}
	if !drafts {
		snaps := make([]*map[string]any, 0, 2*len(out))
		for i := range out {
			snaps = append(snaps, &out[i].Before, &out[i].After)
		}
		if err := s.publicSnapshots(ctx, snaps); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// publicSnapshots makes the records of public changes (snaps, replaced in place) show
// only what is public now.
// A revision keeps the record as staff saw it when it changed, and staff see drafts:
// its citations may summarise a draft source. So, as the record itself does, a
// snapshot leaves out each citation of a source that is not public now, and
// summarises every other cited source as it is now, not as it was (a draft, perhaps)
// when the change was made. Filtering when history is read, not when it is written,
// keeps the revisions whole for staff, and covers the revisions written before.
func (s *Store) publicSnapshots(ctx context.Context, snaps []*map[string]any) error {
	all := make([]map[string]any, len(snaps))
	for i, snap := range snaps {
		all[i] = *snap
	}
	public, err := s.statedNames(ctx, all)
	if err != nil {
		return err
	}
	ids := citedSources(all)
	slices.Sort(ids)
	refs, err := s.publicSourceRefs(ctx, slices.Compact(ids))
	if err != nil {
		return err
	}
	for _, snap := range snaps {
		*snap = publicStatementsOf(publicSnapshot(*snap, refs), public)
	}
	return nil
}

// statedNames returns the names of the public records among those the snapshots'
// statements (a communication's) refer to: publicStatementsOf nulls the others.
func (s *Store) statedNames(ctx context.Context, snaps []map[string]any) (Names, error) {
	stated := map[string][]domain.ID{}
	for _, snap := range snaps {
		for _, st := range snapshotList(snap, "statements") {
			for name, kind := range statementRefs {
				if id, ok := snapshotID(st[name]); ok {
					stated[kind] = append(stated[kind], id)
				}
			}
		}
	}
	if len(stated) == 0 {
		return Names{}, nil
	}
	return s.PublicNames(ctx, stated)
}

// citedSources returns the ids of the sources the snapshots cite.
func citedSources(snaps []map[string]any) []int {
	var ids []int
	for _, snap := range snaps {
		for _, c := range snapshotCitations(snap) {
			if id, ok := citedSource(c); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// publicSourceRefs returns the summaries, as citations show them, of the sources
// among ids that are public now, by id.
func (s *Store) publicSourceRefs(ctx context.Context, ids []int) (map[int]map[string]any, error) {
	refs := map[int]map[string]any{}
	if len(ids) == 0 {
		return refs, nil
	}
	rows, err := s.client.Source.Query().
		Where(source.IDIn(ids...), source.StatusIn(statusValues[source.Status](domain.PublicStatuses)...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range rows {
		if refs[v.ID], err = asMap(sourceRef(v)); err != nil {
			return nil, err
		}
	}
	return refs, nil
}

// publicStatementsOf returns a copy of a snapshot whose statements (a
// communication's) refer only to the records public names: any other reference is
// null, as in the record (publicStatements).
func publicStatementsOf(snap map[string]any, public Names) map[string]any {
	if _, ok := snap["statements"].([]any); !ok {
		return snap
	}
	list := snapshotList(snap, "statements")
	kept := make([]any, len(list))
	for i, st := range list {
		cp := make(map[string]any, len(st))
		for k, v := range st {
			cp[k] = v
		}
		for name, kind := range statementRefs {
			if id, ok := snapshotID(st[name]); ok {
				if _, ok := public.Of(kind, id); !ok {
					cp[name] = nil
				}
			}
		}
		kept[i] = cp
	}
	out := make(map[string]any, len(snap))
	for k, v := range snap {
		out[k] = v
	}
	out["statements"] = kept
	return out
}

// publicSnapshot returns a copy of a snapshot whose citations are those of the
// public sources in refs, each with its source's summary from refs.
func publicSnapshot(snap map[string]any, refs map[int]map[string]any) map[string]any {
	cites, ok := snap["citations"].([]any)
	if !ok {
		return snap
	}
	kept := make([]any, 0, len(cites))
	for _, c := range snapshotCitations(snap) {
		id, ok := citedSource(c)
		ref, public := refs[id]
		if !ok || !public {
			continue
		}
		cc := make(map[string]any, len(c))
		for k, v := range c {
			cc[k] = v
		}
		cc["source"] = ref
		kept = append(kept, cc)
	}
	out := make(map[string]any, len(snap))
	for k, v := range snap {
		out[k] = v
	}
	out["citations"] = kept
	return out
}

// snapshotCitations returns the citations of a record snapshot.
func snapshotCitations(snap map[string]any) []map[string]any {
	return snapshotList(snap, "citations")
}

// snapshotList returns the objects of a list field of a record snapshot.
func snapshotList(snap map[string]any, field string) []map[string]any {
	list, _ := snap[field].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, c := range list {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// citedSource returns the source id of a citation in a snapshot.
func citedSource(c map[string]any) (int, bool) {
	id, ok := snapshotID(c["source_id"])
	return int(id), ok
}

// snapshotID reads a record id in a snapshot (a JSON string).
func snapshotID(v any) (domain.ID, bool) {
	s, _ := v.(string)
	id, err := domain.ParseID(s)
	return id, err == nil
}

// sourceRef is the summary of a source that a citation shows (as citations loads it).
func sourceRef(v *ent.Source) domain.SourceRef {
	return domain.SourceRef{Title: v.Title, Kind: string(v.Kind), URL: v.URL, DocumentSymbol: v.DocumentSymbol,
		PublishedOn: domain.StoredDate(v.PublishedOn, enumPtr(v.PublishedOnPrecision)), PublishedOnPrecision: enumPtr(v.PublishedOnPrecision)}
}

// requesters returns the display names of the staff who asked for the reviewed
// publications among rows, by user id.
func (s *Store) requesters(ctx context.Context, rows []*ent.Revision) (map[int]string, error) {
	var ids []int
	for _, r := range rows {
		if r.RequestedByID != nil {
			ids = append(ids, *r.RequestedByID)
		}
	}
	names := map[int]string{}
	if len(ids) == 0 {
		return names, nil
	}
	users, err := s.client.User.Query().Where(user.IDIn(ids...)).All(ctx)
	for _, u := range users {
		names[u.ID] = u.DisplayName
	}
	return names, err
}
