package domain

import "strings"

// Problems collects per-field problems of one record.
type Problems map[string]string

// Add records a problem with a field, keeping the first one found.
func (p Problems) Add(field, problem string) {
	if _, ok := p[field]; !ok {
		p[field] = problem
	}
}

// Err returns the problems as an EINVALID error, or nil when there are none.
func (p Problems) Err(message string) error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: message, Fields: p}
}

// checkDate checks a Date and its precision: both or neither, a Date of a known form,
// and the precision its form says. ResolveDates has filled in a precision left out.
func (p Problems) checkDate(field string, date *Date, precision *string) {
	switch {
	case date == nil && precision == nil:
	case date == nil:
		p.Add(field, "a precision without a date")
	case precision == nil:
		p.Add(field+"_precision", "required with "+field)
	case *precision != PrecisionDay && *precision != PrecisionMonth && *precision != PrecisionYear:
		p.Add(field+"_precision", "must be day, month or year")
	default:
		if _, form, err := date.Parse(); err != nil {
			p.Add(field, err.Error())
		} else if form != *precision {
			p.Add(field+"_precision", "contradicts the form of "+field+", which says "+form)
		}
	}
}

// checkOrder checks that a period does not end before it starts: that the last day
// until may mean is not before the first day from may mean ("2014-06" until "2014"
// may be in order).
func (p Problems) checkOrder(fromField string, from *Date, untilField string, until *Date) {
	if from == nil || until == nil || from.Precision() == "" || until.Precision() == "" {
		return
	}
	if until.End().Before(from.Start()) {
		p.Add(untilField, "is before "+fromField)
	}
}

// checkDays checks that a period of two days (YYYY-MM-DD) does not end before it
// starts.
func (p Problems) checkDays(fromField string, from *string, untilField string, until *string) {
	if from != nil && until != nil && len(*from) == 10 && len(*until) == 10 && *until < *from {
		p.Add(untilField, "is before "+fromField)
	}
}

// checkCountry checks an optional country code.
func (p Problems) checkCountry(field string, code *string) {
	if code != nil && !ValidCountry(*code) {
		p.Add(field, CountryCodeProblem(*code))
	}
}

// Check checks a citation: a source, a known confidence, a locator that says
// something.
func (c Citation) Check() error {
	p := Problems{}
	p.CheckTexts(c)
	{
		if c.SourceID <= 0 {
			p.Add("source_id", "required")
		}
		if err := ValidateOneOf([]string{c.Confidence}, Confidences...); err != nil {
			p.Add("confidence", err.Error())
		}
		if c.Locator != nil && strings.TrimSpace(*c.Locator) == "" {
			p.Add("locator", "empty: leave it out instead")
		}
		if len(c.Fields) > 50 {
			p.Add("fields", "more than 50")
		}
	}
	return p.Err("invalid citation")
}

// Check checks what the database schema cannot: dates against their precision.
func (v VendorFields) Check() error {
	p := Problems{}
	p.CheckTexts(v)
	p.checkCountry("headquarters_country", v.HeadquartersCountry)
	for _, a := range v.Aliases {
		if strings.TrimSpace(a.Name) == "" {
			p.Add("aliases", "an alias needs a name")
		}
		p.checkDate("aliases.valid_from", a.ValidFrom, a.ValidFromPrecision)
		p.checkDate("aliases.valid_until", a.ValidUntil, a.ValidUntilPrecision)
		p.checkOrder("aliases.valid_from", a.ValidFrom, "aliases.valid_until", a.ValidUntil)
	}
	for _, d := range v.Designations {
		if strings.TrimSpace(d.List) == "" || strings.TrimSpace(d.Authority) == "" {
			p.Add("designations", "a designation needs a list and an authority")
		}
		for _, day := range []*string{d.ListedOn, d.DelistedOn} {
			if day != nil && ValidateDate(*day) != nil {
				p.Add("designations", "dates must be YYYY-MM-DD")
			}
		}
		p.checkDays("designations.listed_on", d.ListedOn, "designations.delisted_on", d.DelistedOn)
	}
	return p.Err("invalid vendor")
}

// Check checks what the database schema cannot.
func (v ProductFields) Check() error {
	p := Problems{}
	p.CheckTexts(v)
	return p.Err("invalid product")
}

// Check checks what the database schema cannot.
func (v AgencyFields) Check() error {
	p := Problems{}
	p.CheckTexts(v)
	if !ValidCountry(v.StateCode) {
		p.Add("state_code", "not an ISO 3166-1 alpha-2 code")
	}
	return p.Err("invalid agency")
}

// Check checks what the database schema cannot: dates against their precision, the
// validity period in order.
func (v LicenseFields) Check() error {
	p := Problems{}
	p.CheckTexts(v)
	p.checkCountry("end_user_state", v.EndUserState)
	p.checkCountry("exporting_state", v.ExportingState)
	p.checkDate("decision_date", v.DecisionDate, v.DecisionDatePrecision)
	p.checkDate("valid_from", v.ValidFrom, v.ValidFromPrecision)
	p.checkDate("valid_until", v.ValidUntil, v.ValidUntilPrecision)
	p.checkOrder("valid_from", v.ValidFrom, "valid_until", v.ValidUntil)
	if v.MaxTargets != nil && *v.MaxTargets < 0 {
		p.Add("max_targets", "must be 0 or more")
	}
	if v.MaxConcurrentTargets != nil && *v.MaxConcurrentTargets < 0 {
		p.Add("max_concurrent_targets", "must be 0 or more")
	}
	if v.MaxTargets != nil && v.MaxConcurrentTargets != nil && *v.MaxConcurrentTargets > *v.MaxTargets {
		p.Add("max_concurrent_targets", "is more than max_targets")
	}
	return p.Err("invalid license")
}

// Check checks what the database schema cannot.
func (v TerminationFields) Check() error {
	p := Problems{}
	p.CheckTexts(v)
	p.checkCountry("state_code", v.StateCode)
	p.checkDate("terminated_on", v.TerminatedOn, v.TerminatedOnPrecision)
	return p.Err("invalid termination")
}

// Check checks what the database schema cannot.
func (v AllegationFields) Check() error {
	p := Problems{}
	p.CheckTexts(v)
	p.checkCountry("operator_state", v.OperatorState)
	p.checkCountry("target_country", v.TargetCountry)
	p.checkDate("period_start", v.PeriodStart, v.PeriodStartPrecision)
	p.checkDate("period_end", v.PeriodEnd, v.PeriodEndPrecision)
	p.checkOrder("period_start", v.PeriodStart, "period_end", v.PeriodEnd)
	return p.Err("invalid allegation")
}

// Check checks what the database schema cannot.
func (v CommunicationFields) Check() error {
	p := Problems{}
	p.CheckTexts(v)
	p.checkCountry("recipient_state", v.RecipientState)
	p.checkDate("sent_on", v.SentOn, v.SentOnPrecision)
	seen := map[int]bool{}
	for _, q := range v.Questions {
		if seen[q.Position] {
			p.Add("questions", "two questions share a position")
		}
		seen[q.Position] = true
		if strings.TrimSpace(q.Text) == "" {
			p.Add("questions", "a question needs its text")
		}
		if q.Kind != "" && ValidateOneOf([]string{q.Kind}, QuestionKinds...) != nil {
			p.Add("questions.kind", "must be one of "+strings.Join(QuestionKinds, ", "))
		}
	}
	p.checkStatements(v.Statements)
	for _, l := range v.LegalReferences {
		if strings.TrimSpace(l.Instrument) == "" {
			p.Add("legal_references.instrument", "required: the instrument the provision belongs to")
		}
		for name, t := range map[string]*string{"provision": l.Provision, "quote": l.Quote, "locator": l.Locator} {
			if t != nil && strings.TrimSpace(*t) == "" {
				p.Add("legal_references."+name, "empty: leave it out instead")
			}
		}
	}
	return p.Err("invalid communication")
}

// Check checks what the database schema cannot. A source is its own evidence: it has
// no citations.
func (v SourceFields) Check() error {
	p := Problems{}
	p.CheckTexts(v)
	p.checkDate("published_on", v.PublishedOn, v.PublishedOnPrecision)
	return p.Err("invalid source")
}

// checkStatements checks a communication's statements: a known kind, a quote and
// the source it is found in, unique positions, and references to statements of the
// same communication only.
func (p Problems) checkStatements(ss []Statement) {
	positions := map[int]bool{}
	for _, st := range ss {
		if positions[st.Position] {
			p.Add("statements.position", "two statements share a position")
		}
		positions[st.Position] = true
	}
	for _, st := range ss {
		if ValidateOneOf([]string{st.Kind}, StatementKinds...) != nil {
			p.Add("statements.kind", "must be one of "+strings.Join(StatementKinds, ", "))
		}
		if strings.TrimSpace(st.Quote) == "" {
			p.Add("statements.quote", "required: the source's exact words")
		}
		if st.SourceID == nil || *st.SourceID <= 0 {
			p.Add("statements.source_id", "required: the source the quote is found in")
		}
		for name, t := range map[string]*string{"speaker": st.Speaker, "locator": st.Locator} {
			if t != nil && strings.TrimSpace(*t) == "" {
				p.Add("statements."+name, "empty: leave it out instead")
			}
		}
		p.checkDate("statements.said_on", st.SaidOn, st.SaidOnPrecision)
		for _, r := range st.RefersTo {
			if r == st.Position || !positions[r] {
				p.Add("statements.refers_to", "must name the position of another statement of this communication")
			}
		}
	}
}
