package store

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"
	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/question"
	"github.com/export-registry/registry/internal/domain"
)

// Communications is the communications collection.
var Communications = Kind[domain.CommunicationFields, domain.Communication]{
	name: "communication", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Communication, error) {
		return s.GetCommunication(ctx, id, true)
	},
	split: func(r domain.Communication) (domain.Record, domain.CommunicationFields) {
		return r.Record, r.CommunicationFields
	},
	check: domain.CommunicationFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.CommunicationFields) (int, error) {
		b := withID(c.Communication.Create(), r.ID).SetStatus(communication.Status(r.Status))
		setBase(b.Mutation(), r)
		setCommunication(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		// An import keeps the questions' ids; a new record's questions get new ones.
		keep := func(domain.ID) bool { return r.ID > 0 }
		return v.ID, writeQuestions(ctx, c, v.ID, f.Questions, keep)
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.CommunicationFields) (int, error) {
		u := c.Communication.Update().Where(communication.ID(id), communication.Revision(rev)).SetRevision(rev + 1)
		setCommunication(u.Mutation(), f)
		n, err := u.Save(ctx)
		if err != nil || n == 0 {
			return n, err
		}
		// Questions are rewritten whole (positions are unique, so in-place moves could
		// collide), but a question that was already this communication's keeps its id:
		// citations and links to it stay good.
		had, err := c.Question.Query().Where(question.CommunicationID(id)).IDs(ctx)
		if err != nil {
			return 0, err
		}
		if _, err := c.Question.Delete().Where(question.CommunicationID(id)).Exec(ctx); err != nil {
			return 0, err
		}
		keep := func(q domain.ID) bool { return slices.Contains(had, int(q)) }
		return n, writeQuestions(ctx, c, id, f.Questions, keep)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Communication.Update().Where(communication.ID(id), communication.Revision(rev)).SetRevision(rev + 1).SetStatus(communication.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// writeQuestions creates a communication's questions; those whose id keep accepts
// keep it, the others get new ids.
func writeQuestions(ctx context.Context, c *ent.Client, commID int, qs []domain.Question, keep func(domain.ID) bool) error {
	for _, q := range qs {
		b := c.Question.Create().SetCommunicationID(commID).SetPosition(q.Position).
			SetKind(question.Kind(orDefault(q.Kind, "question"))).
			SetNillableTopic(q.Topic).SetText(q.Text).
			SetAnswerStatus(question.AnswerStatus(orDefault(q.AnswerStatus, "unknown"))).
			SetNillableAnswerNote(q.AnswerNote)
		if q.ID > 0 && keep(q.ID) {
			b.SetID(int(q.ID))
		}
		if err := b.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// GetCommunication returns a communication with its questions by id.
func (s *Store) GetCommunication(ctx context.Context, id int, drafts bool) (domain.Communication, error) {
	out, err := s.GetCommunications(ctx, []int{id}, drafts)
	return one(out, err, "communication", strconv.Itoa(id))
}

// GetCommunications returns the communications among ids that the reader may see, in id order, in
// one read: a feed's or a page's records at once.
func (s *Store) GetCommunications(ctx context.Context, ids []int, drafts bool) ([]domain.Communication, error) {
	rows, err := s.client.Communication.Query().Where(communication.IDIn(ids...), communication.StatusIn(statusValues[communication.Status](visible(drafts))...)).
		WithQuestions().
		Order(ent.Asc(communication.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return s.communications(ctx, rows, drafts)
}

// ListCommunications lists communications; country is the recipient state or a state
// copied; vendor is the recipient vendor.
func (s *Store) ListCommunications(ctx context.Context, p ListParams) ([]domain.Communication, string, error) {
	q := s.client.Communication.Query().Where(as[predicate.Communication](p.common())...)
	if p.Vendor != "" {
		id, err := s.vendorID(ctx, p.Vendor, p.Statuses)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(communication.RecipientVendorID(id))
	}
	if p.Country != "" {
		q = q.Where(communication.Or(communication.RecipientState(p.Country), func(s *sql.Selector) {
			s.Where(sqljson.ValueContains(s.C(communication.FieldCopiedStates), p.Country))
		}))
	}
	if p.Q != "" {
		match, err := s.qFilter(ctx, communication.Table, p.Q)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(match)
	}
	rows, err := q.Order(ent.Asc(communication.FieldID)).Limit(p.limit() + 1).WithQuestions().All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Communication) int { return v.ID })
	out, err := s.communications(ctx, rows, p.Drafts)
	return out, next, err
}

// communications converts communications; their questions must have been loaded
// with WithQuestions.
func (s *Store) communications(ctx context.Context, rows []*ent.Communication, drafts bool) ([]domain.Communication, error) {
	out, err := s.communicationsOf(ctx, rows, drafts)
	if err != nil || drafts {
		return out, err
	}
	lists := make([][]domain.Statement, len(out))
	for i := range out {
		lists[i] = out[i].Statements
	}
	return out, s.publicStatements(ctx, lists...)
}

// communicationsOf converts communications with their citations.
func (s *Store) communicationsOf(ctx context.Context, rows []*ent.Communication, drafts bool) ([]domain.Communication, error) {
	return withCitations(ctx, s, citation.RecordTypeCommunication, rows, drafts, func(v *ent.Communication) int { return v.ID },
		func(v *ent.Communication, c []domain.Citation) domain.Communication {
			var qs []domain.Question // null: unknown
			if v.QuestionsKnown {
				qs = make([]domain.Question, len(v.Edges.Questions))
				for i, q := range v.Edges.Questions {
					qs[i] = domain.Question{ID: domain.ID(q.ID), Position: q.Position, Kind: string(q.Kind), Topic: q.Topic, Text: q.Text, AnswerStatus: string(q.AnswerStatus), AnswerNote: q.AnswerNote}
				}
				sort.Slice(qs, func(i, j int) bool { return qs[i].Position < qs[j].Position })
			}
			return domain.Communication{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				CommunicationFields: domain.CommunicationFields{
					Reference:         v.Reference,
					Kind:              string(v.Kind),
					SentOn:            domain.StoredDate(v.SentOn, enumPtr(v.SentOnPrecision)),
					SentOnPrecision:   enumPtr(v.SentOnPrecision),
					Sender:            v.Sender,
					RecipientVendorID: domain.IDPtr(v.RecipientVendorID),
					RecipientState:    v.RecipientState,
					RecipientName:     v.RecipientName,
					CopiedStates:      v.CopiedStates,
					InReplyToID:       domain.IDPtr(v.InReplyToID),
					URL:               v.URL,
					Summary:           v.Summary,
					Questions:         qs,
					Statements:        v.Statements,
					LegalReferences:   v.LegalReferences,
				},
			}
		})
}

// setCommunication writes a communication's own fields; its questions are rows of
// their own, written by the caller.
func setCommunication(m *ent.CommunicationMutation, f domain.CommunicationFields) {
	opt(f.Reference, m.SetReference, m.ClearReference)
	m.SetKind(communication.Kind(orDefault(f.Kind, "letter")))
	opt(domain.StoreDate(f.SentOn), m.SetSentOn, m.ClearSentOn)
	opt(enumOf[communication.SentOnPrecision](f.SentOnPrecision), m.SetSentOnPrecision, m.ClearSentOnPrecision)
	m.SetSender(f.Sender)
	opt(intPtr(f.RecipientVendorID), m.SetRecipientVendorID, m.ClearRecipientVendorID)
	opt(f.RecipientState, m.SetRecipientState, m.ClearRecipientState)
	opt(f.RecipientName, m.SetRecipientName, m.ClearRecipientName)
	optList(f.CopiedStates, m.SetCopiedStates, m.ClearCopiedStates)
	opt(intPtr(f.InReplyToID), m.SetInReplyToID, m.ClearInReplyToID)
	opt(f.URL, m.SetURL, m.ClearURL)
	opt(f.Summary, m.SetSummary, m.ClearSummary)
	m.SetQuestionsKnown(f.Questions != nil)
	optList(statements(f.Statements), m.SetStatements, m.ClearStatements)
	optList(f.LegalReferences, m.SetLegalReferences, m.ClearLegalReferences)
}

// statements returns a communication's statements in position order, each with a
// list (never null) of the statements it refers to.
func statements(ss []domain.Statement) []domain.Statement {
	if ss == nil {
		return nil
	}
	out := slices.Clone(ss)
	for i := range out {
		if out[i].RefersTo == nil {
			out[i].RefersTo = []int{}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position < out[j].Position })
	return out
}

// statementRefs are the fields of a statement that refer to another record (its `ref`
// tags): JSON name and the kind of record referred to.
var statementRefs = func() map[string]string {
	out := map[string]string{}
	t := reflect.TypeFor[domain.Statement]()
	for i := range t.NumField() {
		if kind := t.Field(i).Tag.Get("ref"); kind != "" {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			out[name] = kind
		}
	}
	return out
}()

// publicStatements makes statements show only what the public may see: a reference
// to a record that is not public (a statement quoted from a draft source, said by a
// draft vendor) becomes null, as a citation of a draft source is left out. The
// statements are changed in place.
func (s *Store) publicStatements(ctx context.Context, lists ...[]domain.Statement) error {
	refs := func(st *domain.Statement, each func(kind string, id **domain.ID)) {
		v := reflect.ValueOf(st).Elem()
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			if kind, ok := statementRefs[name]; ok {
				each(kind, v.Field(i).Addr().Interface().(**domain.ID))
			}
		}
	}
	ids := map[string][]domain.ID{}
	for _, ss := range lists {
		for i := range ss {
			refs(&ss[i], func(kind string, id **domain.ID) {
				if *id != nil {
					ids[kind] = append(ids[kind], **id)
				}
			})
		}
	}
	if len(ids) == 0 {
		return nil
	}
	public, err := s.PublicNames(ctx, ids)
	if err != nil {
		return err
	}
	for _, ss := range lists {
		for i := range ss {
			refs(&ss[i], func(kind string, id **domain.ID) {
				if *id != nil {
					if _, ok := public.Of(kind, **id); !ok {
						*id = nil
					}
				}
			})
		}
	}
	return nil
}
