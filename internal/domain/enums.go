package domain

import (
	"reflect"
	"strings"
)

// The closed lists of values the registry's fields take. Each is written once: in
// the swag `enums` tag of the record type's field, which the API document is
// generated from, and read from there into these lists, which the ent schema, the
// API's filters and the pages use. Lists of values no record field carries are
// written here.

// tagEnum returns the values of the `enums` tag of T's field with the JSON name
// (embedded structs included). A missing tag is a programming error, caught when
// the package loads.
func tagEnum[T any](name string) []string {
	var find func(t reflect.Type) []string
	find = func(t reflect.Type) []string {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				if v := find(f.Type); v != nil {
					return v
				}
				continue
			}
			if json, _, _ := strings.Cut(f.Tag.Get("json"), ","); json == name {
				if e := f.Tag.Get("enums"); e != "" {
					return strings.Split(e, ",")
				}
			}
		}
		return nil
	}
	v := find(reflect.TypeFor[T]())
	if v == nil {
		panic("domain: no enums tag on " + reflect.TypeFor[T]().Name() + "." + name)
	}
	return v
}

// Statuses are the editorial statuses of every record.
var Statuses = tagEnum[Record]("status")

// Precisions are how much of a date the sources give.
var Precisions = tagEnum[LicenseFields]("valid_from_precision")

// TriState is a claim a source may settle either way, or not at all.
var TriState = tagEnum[VendorFields]("ungp_commitment")

// Roles are the roles of staff accounts.
var Roles = []string{RoleAdmin, RoleEditor}

// RecordTypes are the record types, as revisions name them; every one but a source
// takes citations (CitedTypes).
var (
	RecordTypes = []string{"vendor", "product", "agency", "license", "termination", "allegation", "communication", "source"}
	CitedTypes  = RecordTypes[:len(RecordTypes)-1]
)

// RevisionActions are the changes a revision records.
var RevisionActions = tagEnum[Change]("action")

// Confidences are how firmly a citation's source settles what it is cited for.
var Confidences = tagEnum[Citation]("confidence")

// AgencyKinds are the kinds of state agency.
var AgencyKinds = tagEnum[AgencyFields]("kind")

// LicenseKinds: a state's export authorization, or a vendor's licence to its customer.
var LicenseKinds = tagEnum[LicenseFields]("kind")

// LicenseStatuses are the states of a licence itself (not of its record).
var LicenseStatuses = tagEnum[LicenseFields]("license_status")

// StatedPurposes are the end uses a licence states.
var StatedPurposes = tagEnum[LicenseFields]("stated_purpose")

// PurposeSpecificities say whether the end use was specific or a generic assertion.
var PurposeSpecificities = tagEnum[LicenseFields]("purpose_specificity")

// TerminationInitiators are who ended a customer relationship.
var TerminationInitiators = tagEnum[TerminationFields]("initiated_by")

// TerminationReasons are why a customer relationship ended.
var TerminationReasons = tagEnum[TerminationFields]("reason")

// TerminationScopes are how far a termination reached.
var TerminationScopes = tagEnum[TerminationFields]("scope")

// TargetCategories are the kinds of people an allegation says were targeted.
var TargetCategories = tagEnum[AllegationFields]("target_category")

// AllegationStatuses are the states of an allegation of misuse (not of its record).
var AllegationStatuses = tagEnum[AllegationFields]("allegation_status")

// CommunicationKinds are the kinds of correspondence.
var CommunicationKinds = tagEnum[CommunicationFields]("kind")

// AnswerStatuses say how far a communication's question was answered.
var AnswerStatuses = tagEnum[Question]("answer_status")

// QuestionKinds say whether a communication's question is a question or a request
// made without a question mark.
var QuestionKinds = tagEnum[Question]("kind")

// StatementKinds are the kinds of attributed statement a communication records.
var StatementKinds = tagEnum[Statement]("kind")

// SourceKinds are the kinds of public source.
var SourceKinds = tagEnum[SourceFields]("kind")

// FieldNames returns the JSON names of T's fields (embedded structs included): the
// fields a citation of a record of that type may name.
func FieldNames[T any]() []string {
	var names []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				walk(f.Type)
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				names = append(names, name)
			}
		}
	}
	walk(reflect.TypeFor[T]())
	return names
}
