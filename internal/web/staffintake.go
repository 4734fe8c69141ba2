package web

import (
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/intake"
)

// IntakeFile is a file a staffer uploads to take in as drafts, with its options.
type IntakeFile struct {
	Name, ContentType string
	Body              []byte
	intake.Options
	// Source is the id of the existing source every created record cites.
	Source string
	DryRun bool
}

// intakeData is the upload page's data.
type intakeData struct {
	Collections []string
	Formats     []string
	Form        map[string]string
	Errors      map[string]string
	Report      *intake.Report
}

// intakePage shows the upload form.
func (s *staff) intakePage(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	s.renderIntake(w, r, c, map[string]string{"dry_run": "1"}, nil, nil, http.StatusOK)
}

func (s *staff) renderIntake(w http.ResponseWriter, r *http.Request, c *staffCtx, form, errs map[string]string, rep *intake.Report, status int) {
	s.render(w, r, c, "intake", staffPage{Title: "Take a file in", Status: status, Data: intakeData{
		Collections: intake.CollectionNames(), Formats: []string{intake.FormatCSV, intake.FormatXLSX, intake.FormatMISP},
		Form: form, Errors: errs, Report: rep}})
}

// intakeSubmit takes the uploaded file in through the API's intake (the Gate): a dry
// run shows what would be created, matched and refused; a run creates the drafts.
func (s *staff) intakeSubmit(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	form := map[string]string{}
	for _, k := range []string{"collection", "format", "source", "map", "dry_run"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	errs := map[string]string{}
	f := IntakeFile{Source: form["source"], DryRun: form["dry_run"] != ""}
	f.Collection, f.Format = form["collection"], form["format"]
	if !slices.Contains(append(intake.CollectionNames(), ""), f.Collection) {
		errs["collection"] = "not a collection"
	}
	var pairs []string
	for line := range strings.Lines(form["map"]) {
		if line = strings.TrimSpace(line); line != "" {
			pairs = append(pairs, line)
		}
	}
	m, err := intake.ParseMapping(pairs)
	if err != nil {
		errs["map"] = err.Error()
	}
	f.Mapping = m
	file, fh, err := r.FormFile("file")
	if err != nil {
		errs["file"] = "choose a file"
	} else {
		defer file.Close()
		f.Name, f.ContentType = fh.Filename, fh.Header.Get("Content-Type")
		if f.Body, err = io.ReadAll(file); err != nil || len(f.Body) == 0 {
			errs["file"] = "the file is empty or could not be read"
		}
	}
	if len(errs) > 0 {
		s.renderIntake(w, r, c, form, errs, nil, http.StatusUnprocessableEntity)
		return
	}
	rep, err := s.gate.Intake(r.Context(), f)
	switch {
	case err == nil:
		s.renderIntake(w, r, c, form, nil, &rep, http.StatusOK)
	case len(rep.Refused) > 0 || domain.ErrorCode(err) == domain.EINVALID:
		if len(rep.Refused) == 0 {
			errs[""] = domain.ErrorMessage(err)
		}
		s.renderIntake(w, r, c, form, errs, &rep, http.StatusUnprocessableEntity)
	default:
		s.fail(w, r, c, err)
	}
}
