package store

import (
	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// One function per record type writes the fields staff may write onto a create or
// update mutation: the one place a record's editable fields meet its columns. A nil
// value clears the column (unknown); enum defaults stand for an empty value.

func setVendor(m *ent.VendorMutation, f domain.VendorFields) {
	m.SetSlug(f.Slug)
	m.SetName(f.Name)
	optList(f.Aliases, m.SetAliases, m.ClearAliases)
	opt(f.HeadquartersCountry, m.SetHeadquartersCountry, m.ClearHeadquartersCountry)
	optList(f.OtherJurisdictions, m.SetOtherJurisdictions, m.ClearOtherJurisdictions)
	opt(f.Website, m.SetWebsite, m.ClearWebsite)
	opt(intPtr(f.ParentID), m.SetParentID, m.ClearParentID)
	m.SetUngpCommitment(vendor.UngpCommitment(orDefault(f.UNGPCommitment, domain.Unknown)))
	opt(f.HumanRightsPolicyURL, m.SetHumanRightsPolicyURL, m.ClearHumanRightsPolicyURL)
	opt(f.WhistleblowerPolicyURL, m.SetWhistleblowerPolicyURL, m.ClearWhistleblowerPolicyURL)
	optList(f.Designations, m.SetDesignations, m.ClearDesignations)
	opt(f.Description, m.SetDescription, m.ClearDescription)
}

func setProduct(m *ent.ProductMutation, f domain.ProductFields) error {
	entries, err := normalizeEntries(f.ControlListEntries)
	if err != nil {
		return err
	}
	m.SetVendorID(int(f.VendorID))
	m.SetName(f.Name)
	optList(f.Categories, m.SetCategories, m.ClearCategories)
	optList(f.Capabilities, m.SetCapabilities, m.ClearCapabilities)
	optList(entries, m.SetControlListEntries, m.ClearControlListEntries)
	opt(f.Description, m.SetDescription, m.ClearDescription)
	return nil
}

func setAgency(m *ent.AgencyMutation, f domain.AgencyFields) {
	m.SetStateCode(f.StateCode)
	m.SetName(f.Name)
	m.SetKind(agency.Kind(orDefault(f.Kind, "unknown")))
	opt(intPtr(f.ParentID), m.SetParentID, m.ClearParentID)
	optList(f.Aliases, m.SetAliases, m.ClearAliases)
	opt(f.Description, m.SetDescription, m.ClearDescription)
}

func setLicense(m *ent.LicenseMutation, f domain.LicenseFields) error {
	entries, err := normalizeEntries(f.ControlListEntries)
	if err != nil {
		return err
	}
	m.SetKind(license.Kind(f.Kind))
	opt(intPtr(f.VendorID), m.SetVendorID, m.ClearVendorID)
	m.ClearProducts()
	for _, p := range f.ProductIDs {
		m.AddProductIDs(int(p))
	}
	opt(f.EndUserState, m.SetEndUserState, m.ClearEndUserState)
	opt(intPtr(f.EndUserAgencyID), m.SetEndUserAgencyID, m.ClearEndUserAgencyID)
	opt(f.ExportingState, m.SetExportingState, m.ClearExportingState)
	opt(f.IssuingAuthority, m.SetIssuingAuthority, m.ClearIssuingAuthority)
	opt(f.Reference, m.SetReference, m.ClearReference)
	m.SetLicenseStatus(license.LicenseStatus(orDefault(f.LicenseStatus, "unknown")))
	opt(f.DecisionDate, m.SetDecisionDate, m.ClearDecisionDate)
	opt(enumOf[license.DecisionDatePrecision](f.DecisionDatePrecision), m.SetDecisionDatePrecision, m.ClearDecisionDatePrecision)
	opt(f.MaxTargets, m.SetMaxTargets, m.ClearMaxTargets)
	opt(f.MaxConcurrentTargets, m.SetMaxConcurrentTargets, m.ClearMaxConcurrentTargets)
	opt(f.VolumeNote, m.SetVolumeNote, m.ClearVolumeNote)
	optList(f.Geography, m.SetGeography, m.ClearGeography)
	opt(f.GeographyNote, m.SetGeographyNote, m.ClearGeographyNote)
	opt(f.ValidFrom, m.SetValidFrom, m.ClearValidFrom)
	opt(enumOf[license.ValidFromPrecision](f.ValidFromPrecision), m.SetValidFromPrecision, m.ClearValidFromPrecision)
	opt(f.ValidUntil, m.SetValidUntil, m.ClearValidUntil)
	opt(enumOf[license.ValidUntilPrecision](f.ValidUntilPrecision), m.SetValidUntilPrecision, m.ClearValidUntilPrecision)
	opt(f.DurationNote, m.SetDurationNote, m.ClearDurationNote)
	m.SetStatedPurpose(license.StatedPurpose(orDefault(f.StatedPurpose, "unspecified")))
	m.SetPurposeSpecificity(license.PurposeSpecificity(orDefault(f.PurposeSpecificity, "unknown")))
	optList(entries, m.SetControlListEntries, m.ClearControlListEntries)
	opt(f.Description, m.SetDescription, m.ClearDescription)
	return nil
}

func setTermination(m *ent.TerminationMutation, f domain.TerminationFields) {
	m.SetVendorID(int(f.VendorID))
	opt(intPtr(f.LicenseID), m.SetLicenseID, m.ClearLicenseID)
	opt(f.StateCode, m.SetStateCode, m.ClearStateCode)
	opt(intPtr(f.AgencyID), m.SetAgencyID, m.ClearAgencyID)
	opt(f.TerminatedOn, m.SetTerminatedOn, m.ClearTerminatedOn)
	opt(enumOf[termination.TerminatedOnPrecision](f.TerminatedOnPrecision), m.SetTerminatedOnPrecision, m.ClearTerminatedOnPrecision)
	m.SetInitiatedBy(termination.InitiatedBy(orDefault(f.InitiatedBy, "unknown")))
	m.SetReason(termination.Reason(orDefault(f.Reason, "unknown")))
	m.SetHumanRightsBasis(termination.HumanRightsBasis(orDefault(f.HumanRightsBasis, domain.Unknown)))
	optList(f.RightsInvolved, m.SetRightsInvolved, m.ClearRightsInvolved)
	m.SetScope(termination.Scope(orDefault(f.Scope, "unknown")))
	optList(f.ReportedTo, m.SetReportedTo, m.ClearReportedTo)
	opt(f.Description, m.SetDescription, m.ClearDescription)
}

func setAllegation(m *ent.AllegationMutation, f domain.AllegationFields) {
	opt(intPtr(f.VendorID), m.SetVendorID, m.ClearVendorID)
	opt(intPtr(f.ProductID), m.SetProductID, m.ClearProductID)
	opt(f.OperatorState, m.SetOperatorState, m.ClearOperatorState)
	opt(intPtr(f.OperatorAgencyID), m.SetOperatorAgencyID, m.ClearOperatorAgencyID)
	m.SetTargetCategory(allegation.TargetCategory(orDefault(f.TargetCategory, "unknown")))
	opt(f.TargetCountry, m.SetTargetCountry, m.ClearTargetCountry)
	opt(f.PeriodStart, m.SetPeriodStart, m.ClearPeriodStart)
	opt(enumOf[allegation.PeriodStartPrecision](f.PeriodStartPrecision), m.SetPeriodStartPrecision, m.ClearPeriodStartPrecision)
	opt(f.PeriodEnd, m.SetPeriodEnd, m.ClearPeriodEnd)
	opt(enumOf[allegation.PeriodEndPrecision](f.PeriodEndPrecision), m.SetPeriodEndPrecision, m.ClearPeriodEndPrecision)
	m.SetAllegationStatus(allegation.AllegationStatus(orDefault(f.AllegationStatus, "alleged")))
	opt(f.Summary, m.SetSummary, m.ClearSummary)
	opt(f.VendorReply, m.SetVendorReply, m.ClearVendorReply)
}

// setCommunication writes a communication's own fields; its questions are rows of
// their own, written by the caller.
func setCommunication(m *ent.CommunicationMutation, f domain.CommunicationFields) {
	opt(f.Reference, m.SetReference, m.ClearReference)
	m.SetKind(communication.Kind(orDefault(f.Kind, "letter")))
	opt(f.SentOn, m.SetSentOn, m.ClearSentOn)
	opt(enumOf[communication.SentOnPrecision](f.SentOnPrecision), m.SetSentOnPrecision, m.ClearSentOnPrecision)
	m.SetSender(f.Sender)
	opt(intPtr(f.RecipientVendorID), m.SetRecipientVendorID, m.ClearRecipientVendorID)
	opt(f.RecipientState, m.SetRecipientState, m.ClearRecipientState)
	opt(f.RecipientName, m.SetRecipientName, m.ClearRecipientName)
	optList(f.CopiedStates, m.SetCopiedStates, m.ClearCopiedStates)
	opt(intPtr(f.InReplyToID), m.SetInReplyToID, m.ClearInReplyToID)
	opt(f.URL, m.SetURL, m.ClearURL)
	opt(f.Summary, m.SetSummary, m.ClearSummary)
}

func setSource(m *ent.SourceMutation, f domain.SourceFields) {
	m.SetKind(source.Kind(f.Kind))
	m.SetTitle(f.Title)
	opt(f.Publisher, m.SetPublisher, m.ClearPublisher)
	opt(f.URL, m.SetURL, m.ClearURL)
	opt(f.ArchivedURL, m.SetArchivedURL, m.ClearArchivedURL)
	opt(f.PublishedOn, m.SetPublishedOn, m.ClearPublishedOn)
	opt(enumOf[source.PublishedOnPrecision](f.PublishedOnPrecision), m.SetPublishedOnPrecision, m.ClearPublishedOnPrecision)
	opt(f.DocumentSymbol, m.SetDocumentSymbol, m.ClearDocumentSymbol)
	opt(f.Language, m.SetLanguage, m.ClearLanguage)
	opt(f.Description, m.SetDescription, m.ClearDescription)
}

// opt sets an optional value, or clears the column when it is nil.
func opt[T any](v *T, set func(T), clear func()) {
	if v != nil {
		set(*v)
	} else {
		clear()
	}
}

// optList sets a list, or clears the column (unknown) when it is nil.
func optList[T any](v []T, set func([]T), clear func()) {
	if v != nil {
		set(v)
	} else {
		clear()
	}
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
