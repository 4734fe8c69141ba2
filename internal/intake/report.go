package intake

import (
	"fmt"
	"io"
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
	fmt.Fprintf(w, "intake of a %s file: %d %s, %d matched, %d refused\n", r.Format, len(r.Created), verb, len(r.Matched), len(r.Refused))
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
