package store

import (
	"context"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/internal/domain"
)

// History returns the changes of a record, oldest first. Readers without drafts see
// only the public changes: what a record looked like while it was a draft is not
// public, even after it is published.
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
	out := make([]domain.Change, len(rows))
	for i, r := range rows {
		actor := "registry"
		if r.Edges.Actor != nil {
			actor = r.Edges.Actor.DisplayName
		}
		out[i] = domain.Change{
			Revision: r.Revision, Action: string(r.Action), At: r.At.UTC(), Actor: actor,
			Reason: r.Reason, Before: r.Before, After: r.After,
		}
	}
	return out, nil
}
