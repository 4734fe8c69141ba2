package store

import (
	"context"
	"strconv"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/internal/domain"
)

// Sources is the sources collection.
var Sources = Kind[domain.SourceFields, domain.Source]{
	name: "source", cites: false,
	get:   func(ctx context.Context, s *Store, id int) (domain.Source, error) { return s.GetSource(ctx, id, true) },
	split: func(r domain.Source) (domain.Record, domain.SourceFields) { return r.Record, r.SourceFields },
	check: domain.SourceFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.SourceFields) (int, error) {
		b := withID(c.Source.Create(), r.ID).SetStatus(source.Status(r.Status))
		setBase(b.Mutation(), r)
		setSource(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.SourceFields) (int, error) {
		u := c.Source.Update().Where(source.ID(id), source.Revision(rev)).SetRevision(rev + 1)
		setSource(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Source.Update().Where(source.ID(id), source.Revision(rev)).SetRevision(rev + 1).SetStatus(source.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// GetSource returns a source by id.
func (s *Store) GetSource(ctx context.Context, id int, drafts bool) (domain.Source, error) {
	rows, err := s.client.Source.Query().Where(source.ID(id), source.StatusIn(statusValues[source.Status](visible(drafts))...)).All(ctx)
	return one(mapAll(rows, toSource), err, "source", strconv.Itoa(id))
}

// PublicSources returns the public sources among ids, in id order, in one query:
// the sources a page of records cites.
func (s *Store) PublicSources(ctx context.Context, ids []int) ([]domain.Source, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.client.Source.Query().
		Where(source.IDIn(ids...), source.StatusIn(statusValues[source.Status](domain.PublicStatuses)...)).
		Order(ent.Asc(source.FieldID)).All(ctx)
	return mapAll(rows, toSource), err
}

// ListSources lists sources; q matches the title or the document symbol.
func (s *Store) ListSources(ctx context.Context, p ListParams) ([]domain.Source, string, error) {
	q := s.client.Source.Query().Where(as[predicate.Source](p.common())...)
	if p.Q != "" {
		match, err := s.qFilter(ctx, source.Table, p.Q)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(match)
	}
	rows, err := q.Order(ent.Asc(source.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Source) int { return v.ID })
	return mapAll(rows, toSource), next, nil
}

// toSource converts a source; a source is its own evidence and has no citations.
func toSource(v *ent.Source) domain.Source {
	return domain.Source{
		Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, []domain.Citation{}),
		SourceFields: domain.SourceFields{
			Kind:                 string(v.Kind),
			Title:                v.Title,
			Publisher:            v.Publisher,
			URL:                  v.URL,
			ArchivedURL:          v.ArchivedURL,
			PublishedOn:          domain.StoredDate(v.PublishedOn, enumPtr(v.PublishedOnPrecision)),
			PublishedOnPrecision: enumPtr(v.PublishedOnPrecision),
			DocumentSymbol:       v.DocumentSymbol,
			Language:             v.Language,
			Description:          v.Description,
		},
	}
}

// setSource writes a source's fields onto a mutation.
func setSource(m *ent.SourceMutation, f domain.SourceFields) {
	m.SetKind(source.Kind(f.Kind))
	m.SetTitle(f.Title)
	opt(f.Publisher, m.SetPublisher, m.ClearPublisher)
	opt(f.URL, m.SetURL, m.ClearURL)
	opt(f.ArchivedURL, m.SetArchivedURL, m.ClearArchivedURL)
	opt(domain.StoreDate(f.PublishedOn), m.SetPublishedOn, m.ClearPublishedOn)
	opt(enumOf[source.PublishedOnPrecision](f.PublishedOnPrecision), m.SetPublishedOnPrecision, m.ClearPublishedOnPrecision)
	opt(f.DocumentSymbol, m.SetDocumentSymbol, m.ClearDocumentSymbol)
	opt(f.Language, m.SetLanguage, m.ClearLanguage)
	opt(f.Description, m.SetDescription, m.ClearDescription)
}
