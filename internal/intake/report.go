package intake

import (
	"fmt"
	"io"
	"strings"
)

// Report says what an intake did (or, in a dry run, would do): the drafts created,
// the incoming records matched to existing ones (and so not created), and the
// refusals. A file with any refusal creates nothing.
type Report struct {
	// DryRun: nothing was written.
	DryRun bool `json:"dry_run"`
	// Format is the file's format: csv (a CSV sheet), xlsx (an XLSX workbook's first
	// sheet) or misp-galaxy (a MISP galaxy cluster's JSON).
	Format string `json:"format" enums:"csv,xlsx,misp-galaxy"`
	// Collection is a sheet's collection.
	Collection string `json:"collection,omitempty"`
	// Created are the drafts created (a dry run: that would be), sources included.
	Created []Entry `json:"created"`
	// Matched are the incoming records an existing record answers: not created again.
	Matched []Entry `json:"matched"`
	// Refused are the file's problems, each naming its row and column or field.
	Refused []Problem `json:"refused"`
	// Relations are the relations a galaxy's values state (related[]), each with what
	// the intake made of it: ownership (is-acquired-by, acquires) is a new draft's
	// parent_id; the rest have no place in the model and are listed, not recorded.
	// A refused file records none.
	Relations []Relation `json:"relations"`
}

// Outcomes of a relation.
const (
	// RelationRecorded: the child, a draft the intake creates, has the parent as its
	// parent_id (a dry run: would have).
	RelationRecorded = "recorded"
	// RelationAlready: the child, a record the registry holds, has that parent already.
	RelationAlready = "already_recorded"
	// RelationSuggested: the child is a record the registry holds, with another parent
	// or none; intake edits no existing record, so staff set it by hand if the sources
	// bear it out.
	RelationSuggested = "suggested"
	// RelationNotRecorded: a relation the model has no place for (an alliance, another
	// name, a vague link), or whose destination neither the file nor the registry has.
	RelationNotRecorded = "not_recorded"
)

// Relation is a relation a galaxy value states and what the intake made of it.
type Relation struct {
	// Row is the galaxy value that states the relation (values[0] is row 1).
	Row int `json:"row" example:"1"`
	// Type is the relation's type as the file gives it, trimmed.
	Type string `json:"type" example:"is-acquired-by"`
	// From is the name of the value that states the relation.
	From string `json:"from" example:"Example Intercept"`
	// To is the destination's name: a value of the file, or the registry's vendor its
	// uuid names; its external id when neither has it.
	To string `json:"to" example:"Example Holdings"`
	// ToExternalID is the destination's external id (misp-galaxy:UUID).
	ToExternalID string `json:"to_external_id" example:"misp-galaxy:00000000-0000-4000-8000-000000000002"`
	// Tags are the relation's tags in the file (estimative language).
	Tags []string `json:"tags,omitempty"`
	// Outcome is what the intake made of the relation: recorded (the child draft's
	// parent_id), already_recorded (the existing child has that parent), suggested
	// (the child is an existing record, which intake does not edit: set it by hand),
	// not_recorded (no place in the model, or an unknown destination).
	Outcome string `json:"outcome" enums:"recorded,already_recorded,suggested,not_recorded"`
	// ChildID is the vendor an ownership relation says is owned, where the registry
	// has (or the intake creates) both vendors.
	ChildID string `json:"child_id,omitempty" example:"12"`
	// ParentID is the vendor an ownership relation says owns the child: the parent_id
	// the relation gives it.
	ParentID string `json:"parent_id,omitempty" example:"7"`
	// Reason says why, in words.
	Reason string `json:"reason"`
}

// Entry is one record of a report.
type Entry struct {
	// Row is the record's row in the file (0: a source the file cites).
	Row int `json:"row"`
	// Collection is the record's collection (vendors, sources…).
	Collection string `json:"collection" example:"vendors"`
	// ID is the draft's id, or the matched record's.
	ID string `json:"id" example:"12"`
	// Name is the record's name (a source's title).
	Name string `json:"name" example:"Example Vendor"`
	// ExternalID is the record's id in the file's dataset (a galaxy uuid).
	ExternalID string `json:"external_id,omitempty"`
	// MatchedBy says how a match was found: external_id, name (the reconciliation
	// scorer over names and aliases, drafts included), url (a source), or row (an
	// earlier row of the same file).
	MatchedBy string `json:"matched_by,omitempty" enums:"external_id,name,url,row"`
	// Score is a name match's score, 0–100.
	Score float64 `json:"score,omitempty"`
}

// WriteText writes the report for a terminal.
func (r Report) WriteText(w io.Writer) error {
	verb := "created"
	if r.DryRun {
		verb = "would create (dry run)"
	}
	fmt.Fprintf(w, "intake of a %s file: %d %s, %d matched, %d refused", r.Format, len(r.Created), verb, len(r.Matched), len(r.Refused))
	if len(r.Relations) > 0 {
		recorded := 0
		for _, rel := range r.Relations {
			if rel.Outcome == RelationRecorded {
				recorded++
			}
		}
		if r.DryRun {
			fmt.Fprintf(w, "; %d relations, %d would be recorded", len(r.Relations), recorded)
		} else {
			fmt.Fprintf(w, "; %d relations, %d recorded", len(r.Relations), recorded)
		}
	}
	fmt.Fprintln(w)
	for _, e := range r.Created {
		fmt.Fprintf(w, "created  %s %s %q%s%s\n", e.Collection, e.ID, e.Name, rowNote(e.Row), extNote(e.ExternalID))
	}
	for _, e := range r.Matched {
		how := e.MatchedBy
		if e.Score > 0 {
			how = fmt.Sprintf("%s, score %g", how, e.Score)
		}
		fmt.Fprintf(w, "matched  %s %s %q%s (by %s): not created\n", e.Collection, e.ID, e.Name, rowNote(e.Row), how)
	}
	for _, rel := range r.Relations {
		outcome := strings.ReplaceAll(rel.Outcome, "_", " ")
		if r.DryRun && rel.Outcome == RelationRecorded {
			outcome = "would be recorded"
		}
		fmt.Fprintf(w, "related  %q %s %q%s: %s: %s\n", rel.From, rel.Type, rel.To, rowNote(rel.Row), outcome, rel.Reason)
	}
	for _, p := range r.Refused {
		fmt.Fprintf(w, "refused  %s\n", p.Error())
	}
	if len(r.Refused) > 0 {
		fmt.Fprintln(w, "nothing was written: fix the refused rows and run the intake again")
	}
	_, err := fmt.Fprint(w)
	return err
}

func rowNote(row int) string {
	if row == 0 {
		return ""
	}
	return fmt.Sprintf(" (row %d)", row)
}

func extNote(ext string) string {
	if ext == "" {
		return ""
	}
	return " [" + ext + "]"
}
