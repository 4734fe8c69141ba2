package domain

// FieldDoc is what a person filling in a record's field needs to know about it
// beyond its type, enum values and limits (which the struct tags of the record types
// in records.go say): its help text, from the glossary, and whether it holds ISO
// 3166-1 alpha-2 country codes. The staff console builds its forms from the record
// types and this table; nothing else describes a field.
type FieldDoc struct {
	// Help is a sentence or two for the form.
	Help string
	// API, where set, is what the API's contract says of the field instead of Help,
	// whose words are the form's ("one per input", "tick None").
	API string
	// Country marks a field of country codes (one, or a list).
	Country bool
}

// FieldDocs are the fields' docs, keyed by "type.field" (the record type as
// revisions name it) where a field name means different things in different types,
// and by the field's JSON name otherwise.
var FieldDocs = map[string]FieldDoc{
	// Vendors.
	"slug":                     {Help: "The vendor's URL key: lower-case letters, digits and hyphens (nso-group). It never changes once published."},
	"name":                     {Help: "The name as the sources give it."},
	"aliases":                  {Help: "Other names, with the period each was used where the sources give it. Firms rename and move."},
	"headquarters_country":     {Help: "Where the vendor is headquartered, as the sources say. A headquarters does not say which state authorised an export.", Country: true},
	"other_jurisdictions":      {Help: "Other countries the vendor is registered or operates in.", Country: true, API: "Other countries the vendor is registered or operates in (ISO codes, e.g. DE); [] when none, null when unknown."},
	"website":                  {Help: "The vendor's own website (http or https)."},
	"vendor.parent_id":         {Help: "The vendor that owns this one, where the sources say."},
	"ungp_commitment":          {Help: "Whether the vendor states a commitment to the UN Guiding Principles on Business and Human Rights (2011): yes, no, or unknown when the sources do not say. A stated commitment is a claim with a source, not a fact about its conduct."},
	"human_rights_policy_url":  {Help: "The vendor's published human-rights policy."},
	"whistleblower_policy_url": {Help: "The vendor's published whistleblower policy."},
	"designations":             {Help: "Listings such as an export blacklist entry (e.g. the US Entity List): list, authority, listed and delisted dates."},
	"description":              {Help: "A short description for readers, in the sources' terms."},

	// Products.
	"vendor_id":            {Help: "The vendor, by name."},
	"categories":           {Help: "Kinds of product, one per input: intrusion/spyware, network interception, IMSI catcher, forensics, monitoring centre, location tracking.", API: "Kinds of product: intrusion/spyware, network interception, IMSI catcher, forensics, monitoring centre, location tracking; null when the sources do not say."},
	"capabilities":         {Help: "What it does in the sources' words, one per input: listening, monitoring, location tracking, intelligence collection.", API: "What it does in the sources' words: listening, monitoring, location tracking, intelligence collection; null when the sources do not say."},
	"control_list_entries": {Help: "Wassenaar or EU dual-use entries, one per input, in either notation: 4.A.5 or 4A005 (intrusion software systems), 4D004, 5A001.f (mobile-network interception), 5A001.j (IP network surveillance).", API: "Wassenaar or EU dual-use entries, in either notation (4.A.5 or 4A005, intrusion software systems; 4D004; 5A001.f, mobile-network interception; 5A001.j, IP network surveillance), stored in one; null when the sources do not say."},

	// Agencies.
	"state_code":       {Help: "The state the agency belongs to; for a termination, the customer's state where known.", Country: true},
	"agency.kind":      {Help: "What kind of state body it is: intelligence (an intelligence or security service), police, military, ministry, prosecutor, other; unknown when the sources do not say."},
	"agency.parent_id": {Help: "The agency this one is part of, where known."},

	// Licences.
	"license.kind":                 {Help: "export_authorization: a state's licence to export; end_user_license: the vendor's licence to a customer agency (NSO Group says these are \"limited in volume, geography, and duration\")."},
	"product_ids":                  {Help: "The products the licence covers. Choose none and tick \"None\" only when the sources say it covers none; leave both empty when they do not say.", API: "The products the licence covers; [] when the sources say it covers none, null when they do not say."},
	"end_user_state":               {Help: "The customer's state. Leave empty when the source does not say: a general claim is still a licence record, with unknowns.", Country: true, API: "The customer's state; null when the source does not say (a general claim is still a licence record, with unknowns)."},
	"end_user_agency_id":           {Help: "The customer agency, where the source names it."},
	"exporting_state":              {Help: "The state that authorised the export. A licence is from a country only by this field.", Country: true},
	"issuing_authority":            {Help: "Who issued it, e.g. Israel's Defense Export Control Agency, the UK's Export Control Joint Unit."},
	"reference":                    {Help: "The licence's or letter's reference, as the source gives it (e.g. OL OTH 2/2020)."},
	"license_status":               {Help: "The licence's own status (not the record's): applied, granted, refused, revoked, suspended, expired; unknown when the sources do not say."},
	"decision_date":                {Help: "When it was decided: 2014, 2014-03 or 2014-03-05, as precisely as the source says."},
	"max_targets":                  {Help: "Volume: the most targets the licence allows, where the source gives a number."},
	"max_concurrent_targets":       {Help: "Volume: the most targets at once; not more than max targets."},
	"volume_note":                  {Help: "What the source says about volume, in its words, when it gives no number."},
	"geography":                    {Help: "Geography: the countries where use is permitted. No country picked, with \"None\" unticked, means unknown.", Country: true, API: "Geography: the countries where use is permitted (ISO codes, e.g. MX); [] when none, null when unknown."},
	"geography_note":               {Help: "What the source says about geography, in its words."},
	"valid_from":                   {Help: "Duration: from when the licence is valid: 2014, 2014-03 or 2014-03-05."},
	"valid_until":                  {Help: "Duration: until when it is valid: 2014, 2014-03 or 2014-03-05."},
	"duration_note":                {Help: "What the source says about duration, in its words."},
	"stated_purpose":               {Help: "The end use the buyer declared: counter_terrorism, serious_crime, national_security, law_enforcement. Leave empty when the sources do not say; unspecified when they say it names none."},
	"purpose_specificity":          {Help: "Whether the end-use statement was specific, or a generic_assertion such as \"counter-terrorism purposes\" (the letter asks which); unknown when the sources do not say."},
	"license.control_list_entries": {Help: "The control-list entries the licence names, one per input: 4A005, 4D004, 5A001.j (Wassenaar 4.A.5 style is accepted too).", API: "The control-list entries the licence names: 4A005, 4D004, 5A001.j (Wassenaar 4.A.5 style is accepted too); null when the sources do not say."},

	// Terminations.
	"license_id":         {Help: "The licence the termination ends, where known."},
	"agency_id":          {Help: "The customer agency, where known."},
	"terminated_on":      {Help: "When: 2014, 2014-03 or 2014-03-05."},
	"initiated_by":       {Help: "Who ended the relationship: the vendor, the customer, the exporting_state, or other; unknown when the sources do not say."},
	"reason":             {Help: "Why, as the source says: material_breach (of the contract's terms), human_rights_concerns, expiry, other; unknown when it does not say. A vendor's statement is its claim, cited as such."},
	"human_rights_basis": {Help: "Whether a human-rights violation was the basis, as the source says: yes, no, or unknown when it does not say."},
	"rights_involved":    {Help: "ICCPR articles involved, one per input: iccpr_6 (life), iccpr_7, iccpr_9, iccpr_14, iccpr_17 (privacy), iccpr_19 (expression), iccpr_21, iccpr_22, iccpr_2_3 (remedy), other.", API: "ICCPR articles involved: iccpr_6 (life), iccpr_7, iccpr_9, iccpr_14, iccpr_17 (privacy), iccpr_19 (expression), iccpr_21, iccpr_22, iccpr_2_3 (remedy), other; null when the sources do not say."},
	"scope":              {Help: "Whether only the agency (agency_only) or the whole state (whole_state) was cut off; unknown when the sources do not say."},
	"reported_to":        {Help: "Who it was reported to, one per input: law_enforcement, export_authority, victim, none, unknown.", API: "Who it was reported to: law_enforcement, export_authority, victim, other; [] when to no one, null when the sources do not say."},

	// Allegations.
	"product_id":         {Help: "The product allegedly used."},
	"operator_state":     {Help: "The state alleged to have operated it.", Country: true},
	"operator_agency_id": {Help: "The agency alleged to have operated it."},
	"target_category":    {Help: "Who was targeted, by category only: journalist, human_rights_defender, lawyer, politician, activist, other; unknown when the sources do not say. Targets are people at risk, never named here."},
	"target_country":     {Help: "Where the targets were.", Country: true},
	"period_start":       {Help: "When the misuse began: 2014, 2014-03 or 2014-03-05."},
	"period_end":         {Help: "When it ended: 2014, 2014-03 or 2014-03-05."},
	"allegation_status":  {Help: "How far it is established: alleged, forensically confirmed, officially acknowledged, denied, disputed."},
	"summary":            {Help: "What the source says, for readers. No target names."},
	"vendor_reply":       {Help: "The vendor's reply, as its claim."},

	// Communications.
	"communication.reference": {Help: "The letter's reference, e.g. OL OTH 2/2020 (OL: other letter; OTH: the addressee is not a State)."},
	"communication.kind":      {Help: "A letter, a reply, or other correspondence."},
	"sent_on":                 {Help: "When it was sent: 2014, 2014-03 or 2014-03-05."},
	"sender":                  {Help: "Who sent it, e.g. the Special Rapporteur on freedom of expression."},
	"recipient_vendor_id":     {Help: "The vendor it was sent to."},
	"recipient_state":         {Help: "The state it was sent to.", Country: true},
	"recipient_name":          {Help: "The addressee as the letter names them."},
	"copied_states":           {Help: "States copied.", Country: true, API: "States copied (ISO codes, e.g. FR); [] when none, null when unknown."},
	"in_reply_to_id":          {Help: "The communication this one answers."},
	"url":                     {Help: "Where it is published (http or https)."},
	"questions":               {Help: "Its questions, with whether each was answered (answered, partly_answered, unanswered, unknown)."},

	// Items of a vendor's lists.
	"aliases.name":             {Help: "Another name the vendor is or was known by."},
	"aliases.valid_from":       {Help: "Since when the name was used, where the sources say: 2014, 2014-03 or 2014-03-05."},
	"aliases.valid_until":      {Help: "Until when it was used: 2014, 2014-03 or 2014-03-05."},
	"designations.list":        {Help: "The list, e.g. the Entity List."},
	"designations.authority":   {Help: "Who keeps the list."},
	"designations.listed_on":   {Help: "The day it was listed: YYYY-MM-DD."},
	"designations.delisted_on": {Help: "The day it was taken off the list, if it was: YYYY-MM-DD."},
	"designations.reference":   {Help: "The listing's reference, as the list gives it."},

	// Items of a communication's lists.
	"questions.position":            {Help: "Its number in the letter; left empty, its place in this list."},
	"questions.kind":                {Help: "A question, or a request written without a question mark."},
	"questions.topic":               {Help: "What it is about, in a few words."},
	"questions.text":                {Help: "Its words, as the letter writes them."},
	"questions.answer_status":       {Help: "Whether a reply answered it."},
	"questions.answer_note":         {Help: "What the reply says to it."},
	"statements.position":           {Help: "Its number among the statements, which refers to it; left empty, its place in this list."},
	"statements.kind":               {Help: "A vendor's (or a person's) statement, the sender's own assessment, or a recommendation the sender recalls."},
	"statements.speaker":            {Help: "Who said it, as the source words it. A vendor statement is evidence of what was said, not of what is true."},
	"statements.speaker_vendor_id":  {Help: "The vendor that said it, where it is one."},
	"statements.quote":              {Help: "The source's exact words at the locator."},
	"statements.source_id":          {Help: "The source the quote is found in, by its title or id."},
	"statements.locator":            {Help: "Where in the source: a page or a paragraph."},
	"statements.original_source_id": {Help: "The document it was first said in, when the quote is taken from another that quotes it."},
	"statements.said_on":            {Help: "When it was said, where the sources say: 2014, 2014-03 or 2014-03-05."},
	"statements.refers_to":          {Help: "The numbers (positions) of the statements this one is about, one per input."},
	"legal_references.instrument":   {Help: "The instrument as the communication names it, e.g. ICCPR."},
	"legal_references.provision":    {Help: "Its article or principle number, e.g. 17."},
	"legal_references.quote":        {Help: "The communication's words on it, where it quotes them."},
	"legal_references.locator":      {Help: "Where in the communication."},

	// Sources.
	"source.kind":     {Help: "What kind of document it is: un_document, vendor_statement (evidence of what the vendor says, not that it is true), government_record, court_record, media, ngo_report, academic, other."},
	"title":           {Help: "The document's title."},
	"publisher":       {Help: "Who published it."},
	"archived_url":    {Help: "An archived copy (e.g. the Wayback Machine)."},
	"published_on":    {Help: "When it was published: 2014, 2014-03 or 2014-03-05."},
	"document_symbol": {Help: "A UN document symbol such as A/HRC/41/35 (General Assembly / Human Rights Council / session 41 / document 35)."},
	"language":        {Help: "The document's language, as a BCP 47 tag (en, es)."},

	// Citations.
	"source_id":  {Help: "The source: pick a published one, or add a new source below.", API: "The cited source's id."},
	"fields":     {Help: "The fields of this record the source supports; none ticked: the whole record.", API: "The fields of this record the source supports; [] for the whole record."},
	"locator":    {Help: "Where in the source: a page, a paragraph or a short quote."},
	"confidence": {Help: "Confirmed: an official record, court finding or forensic confirmation. Reported: credible media or NGO reporting. Alleged: a claim not yet corroborated."},
}

// DocOf returns the doc of a record type's field.
func DocOf(recordType, field string) FieldDoc {
	if d, ok := FieldDocs[recordType+"."+field]; ok {
		return d
	}
	return FieldDocs[field]
}
