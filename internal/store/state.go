package store

import (
	"context"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/state"
	"github.com/export-registry/registry/internal/domain"
)

// ListStates lists the ISO 3166-1 reference data by code; q matches code or name.
func (s *Store) ListStates(ctx context.Context, p ListParams) ([]domain.State, string, error) {
	q := s.client.State.Query()
	if p.Q != "" {
		q = q.Where(state.Or(state.IDEqualFold(p.Q), state.NameContainsFold(p.Q)))
	}
	if p.AfterCode != "" {
		q = q.Where(state.IDGT(p.AfterCode))
	}
	rows, err := q.Order(ent.Asc(state.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > p.limit() {
		rows = rows[:p.limit()]
		next = EncodeCodeCursor(rows[len(rows)-1].ID)
	}
	return mapAll(rows, toState), next, nil
}

// GetState returns a state of the reference data by its alpha-2 code.
func (s *Store) GetState(ctx context.Context, code string) (domain.State, error) {
	v, err := s.client.State.Get(ctx, code)
	if ent.IsNotFound(err) {
		return domain.State{}, domain.NotFound("state", code)
	}
	if err != nil {
		return domain.State{}, err
	}
	return toState(v), nil
}

// toState converts a state of the reference data.
func toState(v *ent.State) domain.State {
	return domain.State{Code: v.ID, Alpha3: v.Alpha3, Name: v.Name, Official: v.Official}
}
