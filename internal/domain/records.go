package domain

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// ID is a record's stable public id. It is an integer in the database and a string in
// JSON, so clients never do arithmetic on it and the store may change its form.
type ID int

// MarshalText writes the id as a decimal string.
func (id ID) MarshalText() ([]byte, error) { return []byte(strconv.Itoa(int(id))), nil }

// UnmarshalText reads a decimal id.
func (id *ID) UnmarshalText(b []byte) error {
	n, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = n
	return nil
}

// UnmarshalJSON reads an id sent as a JSON string ("12") or a JSON number (12): ids
// are strings in the registry's answers, but a client that sends the number means
// the same record.
func (id *ID) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil // as encoding/json leaves any value it reads null
	}
	if len(s) >= 2 && s[0] == '"' {
		u, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("%s is not a record id", s)
		}
		s = u
	}
	n, err := ParseID(s)
	if err != nil {
		return err
	}
	*id = n
	return nil
}

// String returns the id as its public decimal string.
func (id ID) String() string { return strconv.Itoa(int(id)) }

// ParseID reads a public id: a positive decimal integer.
func ParseID(s string) (ID, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("%q is not a record id", s)
	}
	return ID(n), nil
}

// SlugPattern is the form of a vendor's slug, its URL key.
const SlugPattern = `^[a-z0-9]+(-[a-z0-9]+)*$`

var slugRE = regexp.MustCompile(SlugPattern)

// ValidSlug reports whether s is a well-formed slug.
func ValidSlug(s string) bool { return len(s) <= 100 && slugRE.MatchString(s) }

// IDPtr converts an optional database id to an optional public id.
func IDPtr(n *int) *ID {
	if n == nil {
		return nil
	}
	id := ID(*n)
	return &id
}

// Record holds what every record has. It is embedded in each record type so its
// fields appear at the top level of the record's JSON.
type Record struct {
	// The record's stable public id (a decimal string).
	ID ID `json:"id" example:"1"`
	// The record's status: draft (staff only), published, or retracted (withdrawn with a
	// reason, still at its URL).
	Status string `json:"status" enums:"draft,published,retracted"`
	// Counts the record's changes from 1: its ETag, and the If-Match a write sends.
	Revision int `json:"revision" example:"1"`
	// When the record was created in the registry (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at"`
	// When the record last changed in the registry (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at"`
	// When the record was retracted; null unless it is.
	RetractedAt *time.Time `json:"retracted_at" extensions:"x-nullable"`
	// Why the record was retracted, as staff gave it; null unless it is.
	RetractionReason *string `json:"retraction_reason" extensions:"x-nullable"`
	// The public sources behind the record, each with the fields it supports; [] when
	// none.
	Citations []Citation `json:"citations"`
}

// Citation ties a source to a record, optionally to named fields of it.
type Citation struct {
	// The citation's id.
	ID         ID       `json:"id"`
	SourceID   ID       `json:"source_id"`
	Fields     []string `json:"fields" maxLength:"64"`
	Locator    *string  `json:"locator" extensions:"x-nullable" maxLength:"20000" text:"prose"`
	Confidence string   `json:"confidence" enums:"confirmed,reported,alleged"`
	// Source summarises the cited source so a reader sees the evidence in one call;
	// it is read-only and ignored on import.
	Source *SourceRef `json:"source,omitempty" extensions:"x-nullable"`
}

// SourceRef is the short form of a source shown inside a citation.
type SourceRef struct {
	// The source's title.
	Title string `json:"title"`
	// What kind of document the source is (as the source's kind).
	Kind string `json:"kind"`
	// Where the source is published; null when not online.
	URL *string `json:"url" extensions:"x-nullable"`
	// A UN document symbol such as A/HRC/41/35; null when it has none.
	DocumentSymbol       *string `json:"document_symbol" extensions:"x-nullable"`
	PublishedOn          *Date   `json:"published_on" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	PublishedOnPrecision *string `json:"published_on_precision" enums:"day,month,year" extensions:"x-nullable"`
}

// Vendor is a company that sells surveillance technology.
type Vendor struct {
	Record
	VendorFields
}

// VendorFields are the fields of a vendor that staff write; a request body carries
// exactly these.
type VendorFields struct {
	Slug                   string        `json:"slug" example:"nso-group" maxLength:"100"`
	Name                   string        `json:"name" example:"NSO Group" maxLength:"300"`
	Aliases                []Alias       `json:"aliases" extensions:"x-nullable"`
	HeadquartersCountry    *string       `json:"headquarters_country" example:"IL" extensions:"x-nullable"`
	OtherJurisdictions     []string      `json:"other_jurisdictions" extensions:"x-nullable"`
	Website                *string       `json:"website" extensions:"x-nullable" maxLength:"2000" format:"uri"`
	ParentID               *ID           `json:"parent_id" extensions:"x-nullable" ref:"vendor"`
	UNGPCommitment         string        `json:"ungp_commitment" enums:"yes,no,unknown"`
	HumanRightsPolicyURL   *string       `json:"human_rights_policy_url" extensions:"x-nullable" maxLength:"2000" format:"uri"`
	WhistleblowerPolicyURL *string       `json:"whistleblower_policy_url" extensions:"x-nullable" maxLength:"2000" format:"uri"`
	Designations           []Designation `json:"designations" extensions:"x-nullable"`
	Description            *string       `json:"description" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// Product is a surveillance product a vendor sells.
type Product struct {
	Record
	ProductFields
}

// ProductFields are the fields of a product that staff write; a request body carries
// exactly these.
type ProductFields struct {
	VendorID           ID       `json:"vendor_id" ref:"vendor"`
	Name               string   `json:"name" example:"Pegasus" maxLength:"300"`
	Categories         []string `json:"categories" extensions:"x-nullable"`
	Capabilities       []string `json:"capabilities" extensions:"x-nullable"`
	ControlListEntries []string `json:"control_list_entries" extensions:"x-nullable"`
	Description        *string  `json:"description" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// Agency is a state body that buys or uses surveillance technology.
type Agency struct {
	Record
	AgencyFields
}

// AgencyFields are the fields of a agency that staff write; a request body carries
// exactly these.
type AgencyFields struct {
	StateCode   string   `json:"state_code" example:"MX"`
	Name        string   `json:"name" maxLength:"300"`
	Kind        string   `json:"kind" enums:"intelligence,police,military,ministry,prosecutor,other,unknown"`
	ParentID    *ID      `json:"parent_id" extensions:"x-nullable" ref:"agency"`
	Aliases     []string `json:"aliases" extensions:"x-nullable" maxLength:"300"`
	Description *string  `json:"description" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// License is a limit on a sale: a state's export authorization or a vendor's end-user
// licence, with its volume, geography and duration where the sources give them.
// Status is the record's editorial status; LicenseStatus is the licence's own.
type License struct {
	Record
	LicenseFields
}

// LicenseFields are the fields of a license that staff write; a request body carries
// exactly these.
type LicenseFields struct {
	Kind     string `json:"kind" enums:"export_authorization,end_user_license"`
	VendorID *ID    `json:"vendor_id" extensions:"x-nullable" ref:"vendor"`
	// Null when the sources do not say which products; [] when they say none.
	ProductIDs            []ID     `json:"product_ids" extensions:"x-nullable" ref:"product"`
	EndUserState          *string  `json:"end_user_state" extensions:"x-nullable"`
	EndUserAgencyID       *ID      `json:"end_user_agency_id" extensions:"x-nullable" ref:"agency"`
	ExportingState        *string  `json:"exporting_state" extensions:"x-nullable"`
	IssuingAuthority      *string  `json:"issuing_authority" extensions:"x-nullable" maxLength:"500"`
	Reference             *string  `json:"reference" extensions:"x-nullable" maxLength:"300"`
	LicenseStatus         string   `json:"license_status" enums:"applied,granted,refused,revoked,suspended,expired,unknown"`
	DecisionDate          *Date    `json:"decision_date" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	DecisionDatePrecision *string  `json:"decision_date_precision" enums:"day,month,year" extensions:"x-nullable"`
	MaxTargets            *int     `json:"max_targets" extensions:"x-nullable"`
	MaxConcurrentTargets  *int     `json:"max_concurrent_targets" extensions:"x-nullable"`
	VolumeNote            *string  `json:"volume_note" extensions:"x-nullable" maxLength:"20000" text:"prose"`
	Geography             []string `json:"geography" extensions:"x-nullable"`
	GeographyNote         *string  `json:"geography_note" extensions:"x-nullable" maxLength:"20000" text:"prose"`
	ValidFrom             *Date    `json:"valid_from" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	ValidFromPrecision    *string  `json:"valid_from_precision" enums:"day,month,year" extensions:"x-nullable"`
	ValidUntil            *Date    `json:"valid_until" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	ValidUntilPrecision   *string  `json:"valid_until_precision" enums:"day,month,year" extensions:"x-nullable"`
	DurationNote          *string  `json:"duration_note" extensions:"x-nullable" maxLength:"20000" text:"prose"`
	// The end use the buyer declared: counter_terrorism, serious_crime,
	// national_security or law_enforcement. Null when the sources do not say;
	// "unspecified" when they say the licence names no purpose.
	StatedPurpose      *string  `json:"stated_purpose" enums:"counter_terrorism,serious_crime,national_security,law_enforcement,unspecified" extensions:"x-nullable"`
	PurposeSpecificity string   `json:"purpose_specificity" enums:"specific,generic_assertion,unknown"`
	ControlListEntries []string `json:"control_list_entries" extensions:"x-nullable"`
	Description        *string  `json:"description" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// Termination is a reported end of a vendor's customer relationship.
type Termination struct {
	Record
	TerminationFields
}

// TerminationFields are the fields of a termination that staff write; a request body carries
// exactly these.
type TerminationFields struct {
	VendorID              ID       `json:"vendor_id" ref:"vendor"`
	LicenseID             *ID      `json:"license_id" extensions:"x-nullable" ref:"license"`
	StateCode             *string  `json:"state_code" extensions:"x-nullable"`
	AgencyID              *ID      `json:"agency_id" extensions:"x-nullable" ref:"agency"`
	TerminatedOn          *Date    `json:"terminated_on" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	TerminatedOnPrecision *string  `json:"terminated_on_precision" enums:"day,month,year" extensions:"x-nullable"`
	InitiatedBy           string   `json:"initiated_by" enums:"vendor,customer,exporting_state,other,unknown"`
	Reason                string   `json:"reason" enums:"material_breach,human_rights_concerns,expiry,other,unknown"`
	HumanRightsBasis      string   `json:"human_rights_basis" enums:"yes,no,unknown"`
	RightsInvolved        []string `json:"rights_involved" extensions:"x-nullable"`
	Scope                 string   `json:"scope" enums:"agency_only,whole_state,unknown"`
	ReportedTo            []string `json:"reported_to" extensions:"x-nullable"`
	Description           *string  `json:"description" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// Allegation is documented misuse; targets are recorded by category and country only.
type Allegation struct {
	Record
	AllegationFields
}

// AllegationFields are the fields of a allegation that staff write; a request body carries
// exactly these.
type AllegationFields struct {
	VendorID             *ID     `json:"vendor_id" extensions:"x-nullable" ref:"vendor"`
	ProductID            *ID     `json:"product_id" extensions:"x-nullable" ref:"product"`
	OperatorState        *string `json:"operator_state" extensions:"x-nullable"`
	OperatorAgencyID     *ID     `json:"operator_agency_id" extensions:"x-nullable" ref:"agency"`
	TargetCategory       string  `json:"target_category" enums:"journalist,human_rights_defender,lawyer,politician,activist,other,unknown"`
	TargetCountry        *string `json:"target_country" extensions:"x-nullable"`
	PeriodStart          *Date   `json:"period_start" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	PeriodStartPrecision *string `json:"period_start_precision" enums:"day,month,year" extensions:"x-nullable"`
	PeriodEnd            *Date   `json:"period_end" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	PeriodEndPrecision   *string `json:"period_end_precision" enums:"day,month,year" extensions:"x-nullable"`
	AllegationStatus     string  `json:"allegation_status" enums:"alleged,forensically_confirmed,officially_acknowledged,denied,disputed" default:"alleged"`
	Summary              *string `json:"summary" extensions:"x-nullable" maxLength:"20000" text:"prose"`
	VendorReply          *string `json:"vendor_reply" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// Communication is correspondence such as a UN special procedure's letter and its
// questions, with whether each was answered.
type Communication struct {
	Record
	CommunicationFields
}

// CommunicationFields are the fields of a communication that staff write; a request body carries
// exactly these.
type CommunicationFields struct {
	Reference         *string  `json:"reference" example:"OL OTH 2/2020" extensions:"x-nullable" maxLength:"200"`
	Kind              string   `json:"kind" enums:"letter,reply,other" default:"letter"`
	SentOn            *Date    `json:"sent_on" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	SentOnPrecision   *string  `json:"sent_on_precision" enums:"day,month,year" extensions:"x-nullable"`
	Sender            string   `json:"sender" maxLength:"500"`
	RecipientVendorID *ID      `json:"recipient_vendor_id" extensions:"x-nullable" ref:"vendor"`
	RecipientState    *string  `json:"recipient_state" extensions:"x-nullable"`
	RecipientName     *string  `json:"recipient_name" extensions:"x-nullable" maxLength:"500"`
	CopiedStates      []string `json:"copied_states" extensions:"x-nullable"`
	InReplyToID       *ID      `json:"in_reply_to_id" extensions:"x-nullable" ref:"communication"`
	URL               *string  `json:"url" extensions:"x-nullable" maxLength:"2000" format:"uri"`
	Summary           *string  `json:"summary" extensions:"x-nullable" maxLength:"20000" text:"prose"`
	// Null when its questions are not known; [] when it asks none.
	Questions []Question `json:"questions" extensions:"x-nullable"`
	// The statements it records: what a vendor or person is quoted as saying, and the
	// sender's own assessments and recommendations. Null when not recorded; [] when
	// it records none.
	Statements []Statement `json:"statements" extensions:"x-nullable"`
	// The legal framework it invokes: treaty articles and principles, one reference
	// each. Null when not recorded; [] when it invokes none.
	LegalReferences []LegalReference `json:"legal_references" extensions:"x-nullable"`
}

// Question is one question of a communication, or one request it makes without a
// question mark ("I would be interested to know more about this assertion").
type Question struct {
	// The question's id.
	ID ID `json:"id"`
	// The question's number in the communication, from 1.
	Position int `json:"position"`
	// question: asked as a question; request: a request without a question mark ("I would
	// be interested to know more").
	Kind string `json:"kind" enums:"question,request"`
	// What the question is about, in a few words; null when not recorded.
	Topic *string `json:"topic" extensions:"x-nullable" maxLength:"200"`
	// The question as the communication words it.
	Text string `json:"text" maxLength:"20000" text:"prose"`
	// Whether a reply answered it: answered, partly_answered, unanswered, or unknown (no
	// reply known).
	AnswerStatus string `json:"answer_status" enums:"answered,partly_answered,unanswered,unknown"`
	// What the reply said to it, or why it is judged so; null when none.
	AnswerNote *string `json:"answer_note" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// Statement is an attributed statement a communication records: what a vendor or a
// named person is quoted as saying (vendor_statement), the sender's own assessment
// (assessment), or a recommendation the sender recalls from a report
// (recommendation). A vendor statement is evidence of what was said, never of
// what is true.
type Statement struct {
	// Position orders the statements of a communication and is how one statement
	// refers to another (refers_to).
	Position int `json:"position"`
	// vendor_statement: what a vendor or person is quoted as saying; assessment: the
	// sender's own; recommendation: one the sender recalls from a report.
	Kind string `json:"kind" enums:"vendor_statement,assessment,recommendation"`
	// Speaker names who said it, as the source words it ("NSO Group", "Mr. Hulio");
	// null when the source does not say.
	Speaker *string `json:"speaker" extensions:"x-nullable" maxLength:"500"`
	// The vendor the speaker speaks for, where the registry has it; null otherwise, or
	// when that vendor is not public.
	SpeakerVendorID *ID `json:"speaker_vendor_id" extensions:"x-nullable" ref:"vendor"`
	// Quote is the source's exact words at the locator. Quotation marks inside it
	// mark the speaker's own words; the rest is the source's paraphrase.
	Quote string `json:"quote" maxLength:"20000" text:"prose"`
	// SourceID is the source the quote is found in; required when written. A public
	// answer shows null while that source is not public (a draft).
	SourceID *ID     `json:"source_id" extensions:"x-nullable" ref:"source"`
	Locator  *string `json:"locator" extensions:"x-nullable" maxLength:"20000" text:"prose"`
	// OriginalSourceID is the document the statement was first made in (a vendor's
	// letter, an interview, a report) when the quote is taken from another that
	// quotes it; null when the same or not known.
	OriginalSourceID *ID `json:"original_source_id" extensions:"x-nullable" ref:"source"`
	// SaidOn is when it was said, where the sources say.
	SaidOn          *Date   `json:"said_on" extensions:"x-nullable"`
	SaidOnPrecision *string `json:"said_on_precision" enums:"day,month,year" extensions:"x-nullable"`
	// RefersTo are the positions of this communication's statements this one is
	// about (an assessment that two claims "appear to be at odds"); [] when none.
	RefersTo []int `json:"refers_to"`
}

// LegalReference is one provision of law a communication invokes: the instrument
// as the communication names it ("ICCPR", "UN Guiding Principles") and its article
// or principle number ("17"), with the communication's words on it where quoted.
type LegalReference struct {
	// The instrument as the communication names it (ICCPR, UN Guiding Principles).
	Instrument string `json:"instrument" example:"ICCPR" maxLength:"300"`
	// The article or principle number; null when the instrument is invoked whole.
	Provision *string `json:"provision" example:"17" extensions:"x-nullable" maxLength:"64"`
	// The communication's words on the provision, where quoted; null otherwise.
	Quote *string `json:"quote" extensions:"x-nullable" maxLength:"20000" text:"prose"`
	// Where in the communication or source: a page or paragraph; null when not recorded.
	Locator *string `json:"locator" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// Source is a public document behind the registry's facts. It is its own evidence,
// so its citations list is always empty.
type Source struct {
	Record
	SourceFields
}

// SourceFields are the fields of a source that staff write; a request body carries
// exactly these.
type SourceFields struct {
	Kind                 string  `json:"kind" enums:"un_document,vendor_statement,government_record,court_record,media,ngo_report,academic,other"`
	Title                string  `json:"title" maxLength:"500"`
	Publisher            *string `json:"publisher" extensions:"x-nullable" maxLength:"500"`
	URL                  *string `json:"url" extensions:"x-nullable" maxLength:"2000" format:"uri"`
	ArchivedURL          *string `json:"archived_url" extensions:"x-nullable" maxLength:"2000" format:"uri"`
	PublishedOn          *Date   `json:"published_on" extensions:"x-nullable" swaggertype:"string" example:"2019-05"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	PublishedOnPrecision *string `json:"published_on_precision" enums:"day,month,year" extensions:"x-nullable"`
	// A UN document symbol such as A/HRC/41/35; null when it has none.
	DocumentSymbol *string `json:"document_symbol" example:"A/HRC/41/35" extensions:"x-nullable" maxLength:"200"`
	Language       *string `json:"language" extensions:"x-nullable" maxLength:"35"`
	Description    *string `json:"description" extensions:"x-nullable" maxLength:"20000" text:"prose"`
}

// State is a country of the ISO 3166-1 reference data.
type State struct {
	// The ISO 3166-1 alpha-2 code, the state's key.
	Code string `json:"code" example:"IL"`
	// The ISO 3166-1 alpha-3 code (a search or a path with it finds the state).
	Alpha3 string `json:"alpha3" example:"ISR"`
	// The English short name (ISO 3166-1).
	Name string `json:"name" example:"Israel"`
	// True for an officially assigned ISO 3166-1 code; false for a user-assigned one such
	// as XK (Kosovo).
	Official bool `json:"official"`
}

// Change is one entry of a record's public history.
type Change struct {
	// The record's revision this change made.
	Revision int `json:"revision"`
	// What the change did: create, update (a correction), publish or retract.
	Action string `json:"action" enums:"create,update,publish,retract"`
	// When the change was made (RFC 3339, UTC).
	At time.Time `json:"at"`
	// Actor is the staff member's display name, or "registry" for the registry's own
	// imports. Staff are never named by email.
	Actor string `json:"actor"`
	// RequestedBy (a publish in two-person review) is the staff member, by display
	// name, who asked for the publication; Actor approved it.
	RequestedBy *string `json:"requested_by,omitempty" extensions:"x-nullable"`
	// A retraction's reason; null for other changes.
	Reason *string `json:"reason" extensions:"x-nullable"`
	// The record before the change (null for a creation), showing only what is public now.
	Before map[string]any `json:"before" swaggertype:"object" extensions:"x-nullable"`
	// The record after the change, showing only what is public now.
	After map[string]any `json:"after" swaggertype:"object" extensions:"x-nullable"`
}

// Base returns the part every record has: its id, revision (the ETag), status and
// citations. Every record type embeds Record, so every one has Base.
func (r Record) Base() Record { return r }
