package domain

// Record statuses: the editorial life of every record.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusRetracted = "retracted"
)

// PublicStatuses are the record statuses anyone may read.
var PublicStatuses = []string{StatusPublished, StatusRetracted}

// Tri-state answers: a claim a source may settle either way, or not at all.
const (
	Yes     = "yes"
	No      = "no"
	Unknown = "unknown"
)

// Product categories and capabilities (the letter's words: listening, monitoring,
// location tracking, intelligence collection).
var (
	ProductCategories   = []string{"intrusion_spyware", "network_interception", "imsi_catcher", "forensics", "monitoring_centre", "location_tracking", "other"}
	ProductCapabilities = []string{"listening", "monitoring", "location_tracking", "intelligence_collection", "data_extraction", "other"}
)

// Rights a termination may name: ICCPR articles as iccpr_N, 2(3) as iccpr_2_3.
var Rights = []string{"iccpr_2_3", "iccpr_6", "iccpr_7", "iccpr_9", "iccpr_14", "iccpr_17", "iccpr_19", "iccpr_21", "iccpr_22", "other"}

// ReportedTo are the bodies a vendor may say it reported a breach to. A null list
// means the sources do not say; an empty list means reported to no one.
var ReportedTo = []string{"law_enforcement", "export_authority", "victim", "other"}

// Alias is another name a vendor traded under, with when it did where known.
type Alias struct {
	// The other name, as the sources give it.
	Name                string  `json:"name" maxLength:"300"`
	ValidFrom           *Date   `json:"valid_from" extensions:"x-nullable" swaggertype:"string" example:"2014"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	ValidFromPrecision  *string `json:"valid_from_precision,omitempty" extensions:"x-nullable"`
	ValidUntil          *Date   `json:"valid_until" extensions:"x-nullable" swaggertype:"string" example:"2014"` // YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601 reduced form), no more precise than the sources; its form sets the precision beside it
	ValidUntilPrecision *string `json:"valid_until_precision,omitempty" extensions:"x-nullable"`
}

// Designation is a vendor's entry on a list kept by an authority, such as an export
// blacklist.
type Designation struct {
	// The list, e.g. the US Entity List.
	List string `json:"list" maxLength:"300"`
	// Who keeps the list, e.g. the US Department of Commerce.
	Authority string `json:"authority" maxLength:"300"`
	// When the vendor was listed (YYYY, YYYY-MM or YYYY-MM-DD); null when not known.
	ListedOn *string `json:"listed_on" extensions:"x-nullable"`
	// When it was taken off the list; null while listed or when not known.
	DelistedOn *string `json:"delisted_on" extensions:"x-nullable"`
	// The list entry's reference, e.g. a Federal Register citation; left out when none.
	Reference string `json:"reference,omitempty" maxLength:"300"`
}
