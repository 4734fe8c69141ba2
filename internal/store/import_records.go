package store

import (
	"context"

	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/question"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// One function per collection: check the record, create it with its id, then its
// citations and its revision.

func (im *importer) source(ctx context.Context, v domain.Source) error {
	if err := v.Check(); err != nil {
		return err
	}
	status, rev, err := im.status(ctx, v.Record, false)
	if err != nil {
		return err
	}
	created, updated := im.times(v.Record)
	err = im.tx.Source.Create().SetID(int(v.ID)).
		SetCreatedAt(created).SetUpdatedAt(updated).SetRevision(rev).SetStatus(source.Status(status)).
		SetNillableRetractedAt(v.RetractedAt).SetNillableRetractionReason(v.RetractionReason).
		SetKind(source.Kind(v.Kind)).SetTitle(v.Title).SetNillablePublisher(v.Publisher).
		SetNillableURL(v.URL).SetNillableArchivedURL(v.ArchivedURL).
		SetNillablePublishedOn(v.PublishedOn).SetNillablePublishedOnPrecision(enumOf[source.PublishedOnPrecision](v.PublishedOnPrecision)).
		SetNillableDocumentSymbol(v.DocumentSymbol).SetNillableLanguage(v.Language).SetNillableDescription(v.Description).
		Exec(ctx)
	if err != nil {
		return err
	}
	im.sourceStatus[int(v.ID)] = status
	return im.revise(ctx, revision.RecordTypeSource, int(v.ID), rev, status, v)
}

func (im *importer) vendor(ctx context.Context, v domain.Vendor) error {
	if err := v.Check(); err != nil {
		return err
	}
	status, rev, err := im.status(ctx, v.Record, true)
	if err != nil {
		return err
	}
	created, updated := im.times(v.Record)
	err = im.tx.Vendor.Create().SetID(int(v.ID)).
		SetCreatedAt(created).SetUpdatedAt(updated).SetRevision(rev).SetStatus(vendor.Status(status)).
		SetNillableRetractedAt(v.RetractedAt).SetNillableRetractionReason(v.RetractionReason).
		SetSlug(v.Slug).SetName(v.Name).SetAliases(v.Aliases).
		SetNillableHeadquartersCountry(v.HeadquartersCountry).SetOtherJurisdictions(v.OtherJurisdictions).
		SetNillableWebsite(v.Website).SetNillableParentID(intPtr(v.ParentID)).
		SetUngpCommitment(vendor.UngpCommitment(orDefault(v.UNGPCommitment, domain.Unknown))).
		SetNillableHumanRightsPolicyURL(v.HumanRightsPolicyURL).SetNillableWhistleblowerPolicyURL(v.WhistleblowerPolicyURL).
		SetDesignations(v.Designations).SetNillableDescription(v.Description).
		Exec(ctx)
	if err != nil {
		return err
	}
	if err := im.cite(ctx, citation.RecordTypeVendor, int(v.ID), v.Citations); err != nil {
		return err
	}
	return im.revise(ctx, revision.RecordTypeVendor, int(v.ID), rev, status, v)
}

func (im *importer) product(ctx context.Context, v domain.Product) error {
	if err := v.Check(); err != nil {
		return err
	}
	status, rev, err := im.status(ctx, v.Record, true)
	if err != nil {
		return err
	}
	created, updated := im.times(v.Record)
	entries, err := normalizeEntries(v.ControlListEntries)
	if err != nil {
		return err
	}
	err = im.tx.Product.Create().SetID(int(v.ID)).
		SetCreatedAt(created).SetUpdatedAt(updated).SetRevision(rev).SetStatus(product.Status(status)).
		SetNillableRetractedAt(v.RetractedAt).SetNillableRetractionReason(v.RetractionReason).
		SetVendorID(int(v.VendorID)).SetName(v.Name).SetCategories(v.Categories).SetCapabilities(v.Capabilities).
		SetControlListEntries(entries).SetNillableDescription(v.Description).
		Exec(ctx)
	if err != nil {
		return err
	}
	if err := im.cite(ctx, citation.RecordTypeProduct, int(v.ID), v.Citations); err != nil {
		return err
	}
	return im.revise(ctx, revision.RecordTypeProduct, int(v.ID), rev, status, v)
}

func (im *importer) agency(ctx context.Context, v domain.Agency) error {
	if err := v.Check(); err != nil {
		return err
	}
	status, rev, err := im.status(ctx, v.Record, true)
	if err != nil {
		return err
	}
	created, updated := im.times(v.Record)
	err = im.tx.Agency.Create().SetID(int(v.ID)).
		SetCreatedAt(created).SetUpdatedAt(updated).SetRevision(rev).SetStatus(agency.Status(status)).
		SetNillableRetractedAt(v.RetractedAt).SetNillableRetractionReason(v.RetractionReason).
		SetStateCode(v.StateCode).SetName(v.Name).SetKind(agency.Kind(orDefault(v.Kind, "unknown"))).
		SetNillableParentID(intPtr(v.ParentID)).SetAliases(v.Aliases).SetNillableDescription(v.Description).
		Exec(ctx)
	if err != nil {
		return err
	}
	if err := im.cite(ctx, citation.RecordTypeAgency, int(v.ID), v.Citations); err != nil {
		return err
	}
	return im.revise(ctx, revision.RecordTypeAgency, int(v.ID), rev, status, v)
}

func (im *importer) license(ctx context.Context, v domain.License) error {
	if err := v.Check(); err != nil {
		return err
	}
	status, rev, err := im.status(ctx, v.Record, true)
	if err != nil {
		return err
	}
	created, updated := im.times(v.Record)
	entries, err := normalizeEntries(v.ControlListEntries)
	if err != nil {
		return err
	}
	products := make([]int, len(v.ProductIDs))
	for i, p := range v.ProductIDs {
		products[i] = int(p)
	}
	err = im.tx.License.Create().SetID(int(v.ID)).
		SetCreatedAt(created).SetUpdatedAt(updated).SetRevision(rev).SetStatus(license.Status(status)).
		SetNillableRetractedAt(v.RetractedAt).SetNillableRetractionReason(v.RetractionReason).
		SetKind(license.Kind(v.Kind)).SetNillableVendorID(intPtr(v.VendorID)).AddProductIDs(products...).
		SetNillableEndUserState(v.EndUserState).SetNillableEndUserAgencyID(intPtr(v.EndUserAgencyID)).
		SetNillableExportingState(v.ExportingState).SetNillableIssuingAuthority(v.IssuingAuthority).
		SetNillableReference(v.Reference).
		SetLicenseStatus(license.LicenseStatus(orDefault(v.LicenseStatus, "unknown"))).
		SetNillableDecisionDate(v.DecisionDate).SetNillableDecisionDatePrecision(enumOf[license.DecisionDatePrecision](v.DecisionDatePrecision)).
		SetNillableMaxTargets(v.MaxTargets).SetNillableMaxConcurrentTargets(v.MaxConcurrentTargets).
		SetNillableVolumeNote(v.VolumeNote).SetGeography(v.Geography).SetNillableGeographyNote(v.GeographyNote).
		SetNillableValidFrom(v.ValidFrom).SetNillableValidFromPrecision(enumOf[license.ValidFromPrecision](v.ValidFromPrecision)).
		SetNillableValidUntil(v.ValidUntil).SetNillableValidUntilPrecision(enumOf[license.ValidUntilPrecision](v.ValidUntilPrecision)).
		SetNillableDurationNote(v.DurationNote).
		SetStatedPurpose(license.StatedPurpose(orDefault(v.StatedPurpose, "unspecified"))).
		SetPurposeSpecificity(license.PurposeSpecificity(orDefault(v.PurposeSpecificity, "unknown"))).
		SetControlListEntries(entries).SetNillableDescription(v.Description).
		Exec(ctx)
	if err != nil {
		return err
	}
	if err := im.cite(ctx, citation.RecordTypeLicense, int(v.ID), v.Citations); err != nil {
		return err
	}
	return im.revise(ctx, revision.RecordTypeLicense, int(v.ID), rev, status, v)
}

func (im *importer) termination(ctx context.Context, v domain.Termination) error {
	if err := v.Check(); err != nil {
		return err
	}
	status, rev, err := im.status(ctx, v.Record, true)
	if err != nil {
		return err
	}
	created, updated := im.times(v.Record)
	err = im.tx.Termination.Create().SetID(int(v.ID)).
		SetCreatedAt(created).SetUpdatedAt(updated).SetRevision(rev).SetStatus(termination.Status(status)).
		SetNillableRetractedAt(v.RetractedAt).SetNillableRetractionReason(v.RetractionReason).
		SetVendorID(int(v.VendorID)).SetNillableLicenseID(intPtr(v.LicenseID)).
		SetNillableStateCode(v.StateCode).SetNillableAgencyID(intPtr(v.AgencyID)).
		SetNillableTerminatedOn(v.TerminatedOn).SetNillableTerminatedOnPrecision(enumOf[termination.TerminatedOnPrecision](v.TerminatedOnPrecision)).
		SetInitiatedBy(termination.InitiatedBy(orDefault(v.InitiatedBy, "unknown"))).
		SetReason(termination.Reason(orDefault(v.Reason, "unknown"))).
		SetHumanRightsBasis(termination.HumanRightsBasis(orDefault(v.HumanRightsBasis, domain.Unknown))).
		SetRightsInvolved(v.RightsInvolved).SetScope(termination.Scope(orDefault(v.Scope, "unknown"))).
		SetReportedTo(v.ReportedTo).SetNillableDescription(v.Description).
		Exec(ctx)
	if err != nil {
		return err
	}
	if err := im.cite(ctx, citation.RecordTypeTermination, int(v.ID), v.Citations); err != nil {
		return err
	}
	return im.revise(ctx, revision.RecordTypeTermination, int(v.ID), rev, status, v)
}

func (im *importer) allegation(ctx context.Context, v domain.Allegation) error {
	if err := v.Check(); err != nil {
		return err
	}
	status, rev, err := im.status(ctx, v.Record, true)
	if err != nil {
		return err
	}
	created, updated := im.times(v.Record)
	err = im.tx.Allegation.Create().SetID(int(v.ID)).
		SetCreatedAt(created).SetUpdatedAt(updated).SetRevision(rev).SetStatus(allegation.Status(status)).
		SetNillableRetractedAt(v.RetractedAt).SetNillableRetractionReason(v.RetractionReason).
		SetNillableVendorID(intPtr(v.VendorID)).SetNillableProductID(intPtr(v.ProductID)).
		SetNillableOperatorState(v.OperatorState).SetNillableOperatorAgencyID(intPtr(v.OperatorAgencyID)).
		SetTargetCategory(allegation.TargetCategory(orDefault(v.TargetCategory, "unknown"))).
		SetNillableTargetCountry(v.TargetCountry).
		SetNillablePeriodStart(v.PeriodStart).SetNillablePeriodStartPrecision(enumOf[allegation.PeriodStartPrecision](v.PeriodStartPrecision)).
		SetNillablePeriodEnd(v.PeriodEnd).SetNillablePeriodEndPrecision(enumOf[allegation.PeriodEndPrecision](v.PeriodEndPrecision)).
		SetAllegationStatus(allegation.AllegationStatus(orDefault(v.AllegationStatus, "alleged"))).
		SetNillableSummary(v.Summary).SetNillableVendorReply(v.VendorReply).
		Exec(ctx)
	if err != nil {
		return err
	}
	if err := im.cite(ctx, citation.RecordTypeAllegation, int(v.ID), v.Citations); err != nil {
		return err
	}
	return im.revise(ctx, revision.RecordTypeAllegation, int(v.ID), rev, status, v)
}

func (im *importer) communication(ctx context.Context, v domain.Communication) error {
	if err := v.Check(); err != nil {
		return err
	}
	status, rev, err := im.status(ctx, v.Record, true)
	if err != nil {
		return err
	}
	created, updated := im.times(v.Record)
	err = im.tx.Communication.Create().SetID(int(v.ID)).
		SetCreatedAt(created).SetUpdatedAt(updated).SetRevision(rev).SetStatus(communication.Status(status)).
		SetNillableRetractedAt(v.RetractedAt).SetNillableRetractionReason(v.RetractionReason).
		SetNillableReference(v.Reference).SetKind(communication.Kind(orDefault(v.Kind, "letter"))).
		SetNillableSentOn(v.SentOn).SetNillableSentOnPrecision(enumOf[communication.SentOnPrecision](v.SentOnPrecision)).
		SetSender(v.Sender).SetNillableRecipientVendorID(intPtr(v.RecipientVendorID)).
		SetNillableRecipientState(v.RecipientState).SetNillableRecipientName(v.RecipientName).
		SetCopiedStates(v.CopiedStates).SetNillableInReplyToID(intPtr(v.InReplyToID)).
		SetNillableURL(v.URL).SetNillableSummary(v.Summary).
		Exec(ctx)
	if err != nil {
		return err
	}
	for _, q := range v.Questions {
		c := im.tx.Question.Create().SetCommunicationID(int(v.ID)).SetPosition(q.Position).
			SetNillableTopic(q.Topic).SetText(q.Text).
			SetAnswerStatus(question.AnswerStatus(orDefault(q.AnswerStatus, "unknown"))).
			SetNillableAnswerNote(q.AnswerNote)
		if q.ID > 0 {
			c.SetID(int(q.ID))
		}
		if err := c.Exec(ctx); err != nil {
			return err
		}
	}
	if err := im.cite(ctx, citation.RecordTypeCommunication, int(v.ID), v.Citations); err != nil {
		return err
	}
	return im.revise(ctx, revision.RecordTypeCommunication, int(v.ID), rev, status, v)
}

// normalizeEntries brings control-list entries to the stored EU notation.
func normalizeEntries(entries []string) ([]string, error) {
	if entries == nil {
		return nil, nil
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		n, err := domain.NormalizeControlListEntry(e)
		if err != nil {
			return nil, domain.Invalid("control_list_entries", err.Error())
		}
		out[i] = n
	}
	return out, nil
}

// enumOf converts an optional string to an optional ent enum.
func enumOf[E ~string](s *string) *E {
	if s == nil {
		return nil
	}
	e := E(*s)
	return &e
}

// intPtr converts an optional public id to an optional database id.
func intPtr(id *domain.ID) *int {
	if id == nil {
		return nil
	}
	n := int(*id)
	return &n
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
