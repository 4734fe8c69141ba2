package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/internal/domain"
)

// This file turns ent entities into the registry's public record types, loading each
// page's citations in one query so that no list does a query per row.

// visible returns the record statuses a reader may see.
func visible(drafts bool) []string {
	if drafts {
		return []string{domain.StatusDraft, domain.StatusPublished, domain.StatusRetracted}
	}
	return domain.PublicStatuses
}

// citations loads the citations of records of one type, with their sources, keyed by
// record id. Citations of sources the reader may not see are left out. It is one
// query joining the two tables: every record list and export runs it per page.
func (s *Store) citations(ctx context.Context, recordType citation.RecordType, ids []int, drafts bool) (map[int][]domain.Citation, error) {
	out := make(map[int][]domain.Citation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	b := entsql.Dialect(s.dialect)
	c, src := b.Table(citation.Table).As("c"), b.Table(source.Table).As("s")
	query, args := b.Select(
		c.C(citation.FieldID), c.C(citation.FieldRecordID), c.C(citation.FieldSourceID), c.C(citation.FieldFields), c.C(citation.FieldLocator), c.C(citation.FieldConfidence),
		src.C(source.FieldTitle), src.C(source.FieldKind), src.C(source.FieldURL), src.C(source.FieldDocumentSymbol), src.C(source.FieldPublishedOn),
	).From(c).Join(src).On(c.C(citation.FieldSourceID), src.C(source.FieldID)).
		Where(entsql.And(
			entsql.EQ(c.C(citation.FieldRecordType), string(recordType)),
			entsql.InInts(c.C(citation.FieldRecordID), ids...),
			entsql.In(src.C(source.FieldStatus), anys(visible(drafts))...),
		)).
		OrderBy(c.C(citation.FieldID)).Query()
	rows, err := s.client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			dc       domain.Citation
			recordID int
			fields   []byte
			ref      domain.SourceRef
		)
		if err := rows.Scan(&dc.ID, &recordID, &dc.SourceID, &fields, &dc.Locator, &dc.Confidence,
			&ref.Title, &ref.Kind, &ref.URL, &ref.DocumentSymbol, &ref.PublishedOn); err != nil {
			return nil, err
		}
		if len(fields) > 0 {
			if err := json.Unmarshal(fields, &dc.Fields); err != nil {
				return nil, fmt.Errorf("citation %d: fields: %w", dc.ID, err)
			}
		}
		dc.Fields = nonNil(dc.Fields)
		dc.Source = &ref
		out[recordID] = append(out[recordID], dc)
	}
	return out, rows.Err()
}

// anys converts strings to query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// nonNil returns an empty list for nil, for lists where null has no meaning.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// mapAll applies f to every row.
func mapAll[E, D any](rows []E, f func(E) D) []D {
	out := make([]D, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

// withCitations converts rows and attaches their citations.
func withCitations[E, D any](ctx context.Context, s *Store, rt citation.RecordType, rows []E, drafts bool, id func(E) int, conv func(E, []domain.Citation) D) ([]D, error) {
	ids := make([]int, len(rows))
	for i, r := range rows {
		ids[i] = id(r)
	}
	cites, err := s.citations(ctx, rt, ids, drafts)
	if err != nil {
		return nil, err
	}
	out := make([]D, len(rows))
	for i, r := range rows {
		out[i] = conv(r, nonNil(cites[ids[i]]))
	}
	return out, nil
}

// rec builds the common part of a record.
func rec(id, revision int, status string, created, updated time.Time, retractedAt *time.Time, reason *string, cites []domain.Citation) domain.Record {
	if retractedAt != nil {
		t := retractedAt.UTC()
		retractedAt = &t
	}
	return domain.Record{
		ID: domain.ID(id), Status: status, Revision: revision,
		CreatedAt: created.UTC(), UpdatedAt: updated.UTC(),
		RetractedAt: retractedAt, RetractionReason: reason,
		Citations: cites,
	}
}

func (s *Store) vendors(ctx context.Context, rows []*ent.Vendor, drafts bool) ([]domain.Vendor, error) {
	return withCitations(ctx, s, citation.RecordTypeVendor, rows, drafts, func(v *ent.Vendor) int { return v.ID },
		func(v *ent.Vendor, c []domain.Citation) domain.Vendor {
			return domain.Vendor{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				VendorFields: domain.VendorFields{
					Slug:                   v.Slug,
					Name:                   v.Name,
					Aliases:                v.Aliases,
					HeadquartersCountry:    v.HeadquartersCountry,
					OtherJurisdictions:     v.OtherJurisdictions,
					Website:                v.Website,
					ParentID:               domain.IDPtr(v.ParentID),
					UNGPCommitment:         string(v.UngpCommitment),
					HumanRightsPolicyURL:   v.HumanRightsPolicyURL,
					WhistleblowerPolicyURL: v.WhistleblowerPolicyURL,
					Designations:           v.Designations,
					Description:            v.Description,
				},
			}
		})
}

func (s *Store) products(ctx context.Context, rows []*ent.Product, drafts bool) ([]domain.Product, error) {
	return withCitations(ctx, s, citation.RecordTypeProduct, rows, drafts, func(v *ent.Product) int { return v.ID },
		func(v *ent.Product, c []domain.Citation) domain.Product {
			return domain.Product{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				ProductFields: domain.ProductFields{
					VendorID:           domain.ID(v.VendorID),
					Name:               v.Name,
					Categories:         v.Categories,
					Capabilities:       v.Capabilities,
					ControlListEntries: v.ControlListEntries,
					Description:        v.Description,
				},
			}
		})
}

func (s *Store) agencies(ctx context.Context, rows []*ent.Agency, drafts bool) ([]domain.Agency, error) {
	return withCitations(ctx, s, citation.RecordTypeAgency, rows, drafts, func(v *ent.Agency) int { return v.ID },
		func(v *ent.Agency, c []domain.Citation) domain.Agency {
			return domain.Agency{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				AgencyFields: domain.AgencyFields{
					StateCode:   v.StateCode,
					Name:        v.Name,
					Kind:        string(v.Kind),
					ParentID:    domain.IDPtr(v.ParentID),
					Aliases:     v.Aliases,
					Description: v.Description,
				},
			}
		})
}

// licenses converts licences; their product ids must have been loaded with
// WithProducts.
func (s *Store) licenses(ctx context.Context, rows []*ent.License, drafts bool) ([]domain.License, error) {
	return withCitations(ctx, s, citation.RecordTypeLicense, rows, drafts, func(v *ent.License) int { return v.ID },
		func(v *ent.License, c []domain.Citation) domain.License {
			products := make([]domain.ID, len(v.Edges.Products))
			for i, p := range v.Edges.Products {
				products[i] = domain.ID(p.ID)
			}
			return domain.License{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				LicenseFields: domain.LicenseFields{
					Kind:                  string(v.Kind),
					VendorID:              domain.IDPtr(v.VendorID),
					ProductIDs:            products,
					EndUserState:          v.EndUserState,
					EndUserAgencyID:       domain.IDPtr(v.EndUserAgencyID),
					ExportingState:        v.ExportingState,
					IssuingAuthority:      v.IssuingAuthority,
					Reference:             v.Reference,
					LicenseStatus:         string(v.LicenseStatus),
					DecisionDate:          v.DecisionDate,
					DecisionDatePrecision: enumPtr(v.DecisionDatePrecision),
					MaxTargets:            v.MaxTargets,
					MaxConcurrentTargets:  v.MaxConcurrentTargets,
					VolumeNote:            v.VolumeNote,
					Geography:             v.Geography,
					GeographyNote:         v.GeographyNote,
					ValidFrom:             v.ValidFrom,
					ValidFromPrecision:    enumPtr(v.ValidFromPrecision),
					ValidUntil:            v.ValidUntil,
					ValidUntilPrecision:   enumPtr(v.ValidUntilPrecision),
					DurationNote:          v.DurationNote,
					StatedPurpose:         string(v.StatedPurpose),
					PurposeSpecificity:    string(v.PurposeSpecificity),
					ControlListEntries:    v.ControlListEntries,
					Description:           v.Description,
				},
			}
		})
}

func (s *Store) terminations(ctx context.Context, rows []*ent.Termination, drafts bool) ([]domain.Termination, error) {
	return withCitations(ctx, s, citation.RecordTypeTermination, rows, drafts, func(v *ent.Termination) int { return v.ID },
		func(v *ent.Termination, c []domain.Citation) domain.Termination {
			return domain.Termination{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				TerminationFields: domain.TerminationFields{
					VendorID:              domain.ID(v.VendorID),
					LicenseID:             domain.IDPtr(v.LicenseID),
					StateCode:             v.StateCode,
					AgencyID:              domain.IDPtr(v.AgencyID),
					TerminatedOn:          v.TerminatedOn,
					TerminatedOnPrecision: enumPtr(v.TerminatedOnPrecision),
					InitiatedBy:           string(v.InitiatedBy),
					Reason:                string(v.Reason),
					HumanRightsBasis:      string(v.HumanRightsBasis),
					RightsInvolved:        v.RightsInvolved,
					Scope:                 string(v.Scope),
					ReportedTo:            v.ReportedTo,
					Description:           v.Description,
				},
			}
		})
}

func (s *Store) allegations(ctx context.Context, rows []*ent.Allegation, drafts bool) ([]domain.Allegation, error) {
	return withCitations(ctx, s, citation.RecordTypeAllegation, rows, drafts, func(v *ent.Allegation) int { return v.ID },
		func(v *ent.Allegation, c []domain.Citation) domain.Allegation {
			return domain.Allegation{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				AllegationFields: domain.AllegationFields{
					VendorID:             domain.IDPtr(v.VendorID),
					ProductID:            domain.IDPtr(v.ProductID),
					OperatorState:        v.OperatorState,
					OperatorAgencyID:     domain.IDPtr(v.OperatorAgencyID),
					TargetCategory:       string(v.TargetCategory),
					TargetCountry:        v.TargetCountry,
					PeriodStart:          v.PeriodStart,
					PeriodStartPrecision: enumPtr(v.PeriodStartPrecision),
					PeriodEnd:            v.PeriodEnd,
					PeriodEndPrecision:   enumPtr(v.PeriodEndPrecision),
					AllegationStatus:     string(v.AllegationStatus),
					Summary:              v.Summary,
					VendorReply:          v.VendorReply,
				},
			}
		})
}

// communications converts communications; their questions must have been loaded
// with WithQuestions.
func (s *Store) communications(ctx context.Context, rows []*ent.Communication, drafts bool) ([]domain.Communication, error) {
	return withCitations(ctx, s, citation.RecordTypeCommunication, rows, drafts, func(v *ent.Communication) int { return v.ID },
		func(v *ent.Communication, c []domain.Citation) domain.Communication {
			qs := make([]domain.Question, len(v.Edges.Questions))
			for i, q := range v.Edges.Questions {
				qs[i] = domain.Question{ID: domain.ID(q.ID), Position: q.Position, Topic: q.Topic, Text: q.Text, AnswerStatus: string(q.AnswerStatus), AnswerNote: q.AnswerNote}
			}
			sort.Slice(qs, func(i, j int) bool { return qs[i].Position < qs[j].Position })
			return domain.Communication{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				CommunicationFields: domain.CommunicationFields{
					Reference:         v.Reference,
					Kind:              string(v.Kind),
					SentOn:            v.SentOn,
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
				},
			}
		})
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
			PublishedOn:          v.PublishedOn,
			PublishedOnPrecision: enumPtr(v.PublishedOnPrecision),
			DocumentSymbol:       v.DocumentSymbol,
			Language:             v.Language,
			Description:          v.Description,
		},
	}
}

// toState converts a state of the reference data.
func toState(v *ent.State) domain.State {
	return domain.State{Code: v.ID, Alpha3: v.Alpha3, Name: v.Name, Official: v.Official}
}

// enumPtr converts an optional ent enum to an optional string.
func enumPtr[E ~string](v *E) *string {
	if v == nil {
		return nil
	}
	s := string(*v)
	return &s
}
