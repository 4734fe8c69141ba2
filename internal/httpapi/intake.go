package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/intake"
	"github.com/export-registry/registry/internal/search"
	"github.com/export-registry/registry/internal/store"
)

// Intake: staff bring in a file (a CSV or XLSX sheet of one collection, or a MISP
// galaxy cluster) as drafts for review. Each incoming record is read by the write
// path's own reading of fields (resolveRefs, decodeObject, checkAll: what a create
// request goes through), matched against the records already held — drafts too — by
// external id, then by name and aliases with the reconciliation service's scorer and
// rule (unambiguous), and the rest are created as drafts citing the source the
// staffer names (and the file's own sources), all in one import transaction: every
// refusal is reported at once, and a file with any creates nothing. Nothing is
// published.

// IntakeRequest is one file to take in.
type IntakeRequest struct {
	// Name and ContentType tell the format when Options.Format is empty.
	Name, ContentType string
	Body              []byte
	intake.Options
	// Source is the existing source (an id) every created record cites; a MISP
	// galaxy brings its own sources and needs none.
	Source string
	DryRun bool
}

// Intake takes a file in as drafts (see above), as the context's viewer (staff, or
// the registry itself from the command line). The report lists what was created,
// matched and refused; a refused file's error is the report's refusals, as a domain
// EINVALID error naming rows[N].field.
func Intake(ctx context.Context, st *store.Store, req IntakeRequest) (intake.Report, error) {
	if req.Format == "" {
		req.Format = intake.DetectFormat(req.Name, req.ContentType, req.Body)
	}
	rep := intake.Report{DryRun: req.DryRun, Format: req.Format, Collection: req.Collection,
		Created: []intake.Entry{}, Matched: []intake.Entry{}, Refused: []intake.Problem{}, Relations: []intake.Relation{}}
	f, err := intake.Read(req.Body, req.Options)
	if err != nil {
		return refuse(rep, err)
	}
	in := &intaker{st: st, file: f, rep: &rep, ids: make([]int, len(f.Rows)), srcIDs: map[string]int{}}
	if err := in.cited(ctx, req); err != nil {
		return refuse(rep, err)
	}
	if err := in.match(ctx); err != nil {
		return rep, err
	}
	if err := in.relate(ctx); err != nil {
		return rep, err
	}
	b, ext, err := in.batch(ctx)
	if err != nil {
		return rep, err
	}
	if len(rep.Refused) > 0 {
		return refuse(rep, nil)
	}
	_, err = st.ImportWith(ctx, b, store.ImportOptions{DryRun: req.DryRun, ExternalIDs: ext})
	var ie *store.ImportError
	if errors.As(err, &ie) && domain.ErrorCode(ie.Err) == domain.EINVALID {
		row := in.rowOf(ie.Collection, ie.Index)
		for field, problem := range domain.ErrorFields(ie.Err) {
			rep.Refused = append(rep.Refused, intake.Problem{Row: row, Field: field, Reason: problem})
		}
		if len(domain.ErrorFields(ie.Err)) == 0 {
			rep.Refused = append(rep.Refused, intake.Problem{Row: row, Reason: domain.ErrorMessage(ie.Err)})
		}
		return refuse(rep, nil)
	}
	if err != nil {
		return rep, err
	}
	return rep, nil
}

// refuse answers a refused file: its report, emptied of what would have been
// created and recorded, and an EINVALID error naming each row and field.
func refuse(rep intake.Report, err error) (intake.Report, error) {
	var p intake.Problem
	var ps intake.Problems
	switch {
	case errors.As(err, &ps):
		rep.Refused = append(rep.Refused, ps...)
	case errors.As(err, &p):
		rep.Refused = append(rep.Refused, p)
	case err != nil:
		return rep, err
	}
	rep.Created, rep.Relations = []intake.Entry{}, []intake.Relation{}
	fields := domain.Problems{}
	for _, p := range rep.Refused {
		key := "file"
		if p.Row > 0 {
			key = fmt.Sprintf("rows[%d]", p.Row)
		}
		switch {
		case p.Field != "":
			key += "." + p.Field
		case p.Column != "":
			key += "." + p.Column
		}
		fields.Add(key, p.Error())
	}
	return rep, fields.Err(fmt.Sprintf("the file was refused (%d problems); nothing was written", len(rep.Refused)))
}

// intaker holds one intake's state.
type intaker struct {
	st   *store.Store
	file intake.File
	rep  *intake.Report
	// ids are the rows' record ids: a match's, or the one a new record takes (0: the
	// row refused).
	ids     []int
	created []bool
	// srcIDs are the file's sources' ids by key; cite is the staffer's source.
	srcIDs  map[string]int
	newSrcs []intake.Source
	cite    int
	next    map[string]int
	// order maps an import's collection and index back to the row.
	order map[string][]int
	// parents are the parents of the new vendors a relation of the file owns: the
	// parent's id by the child's row index (relate).
	parents map[int]int
}

// cited settles the source the staffer names, which a sheet's records must cite.
func (in *intaker) cited(ctx context.Context, req IntakeRequest) error {
	needs := req.Format != intake.FormatMISP && req.Collection != "sources"
	if strings.TrimSpace(req.Source) == "" {
		if needs {
			return intake.Problem{Field: "source", Reason: "name the source (its id) every record of the file cites"}
		}
		return nil
	}
	id, err := in.st.RefID(ctx, "source", strings.TrimSpace(req.Source))
	if err != nil {
		if c := domain.ErrorCode(err); c == domain.ENOTFOUND || c == domain.EINVALID {
			return intake.Problem{Field: "source", Reason: domain.ErrorMessage(err)}
		}
		return err
	}
	in.cite = int(id)
	return nil
}

// match finds each row's existing record, if any, and the file's existing sources.
func (in *intaker) match(ctx context.Context) error {
	var err error
	if in.next, err = in.st.NextIDs(ctx); err != nil {
		return err
	}
	var urls, exts []string
	for _, s := range in.file.Sources {
		urls = append(urls, s.Key)
	}
	for _, r := range in.file.Rows {
		if r.ExternalID != "" {
			exts = append(exts, r.ExternalID)
		}
	}
	have, err := in.st.SourcesByURL(ctx, urls)
	if err != nil {
		return err
	}
	for _, s := range in.file.Sources {
		if id, ok := have[s.Key]; ok {
			in.srcIDs[s.Key] = id
			in.rep.Matched = append(in.rep.Matched, intake.Entry{Collection: "sources", ID: fmt.Sprint(id), Name: s.Key, MatchedBy: "url"})
			continue
		}
		in.srcIDs[s.Key] = in.take("sources")
		in.newSrcs = append(in.newSrcs, s)
	}
	byExt, err := in.st.VendorsByExternalID(ctx, exts)
	if err != nil {
		return err
	}
	ix, err := in.st.StaffNameIndex(ctx)
	if err != nil {
		return err
	}
	in.created = make([]bool, len(in.file.Rows))
	seen := map[string]int{} // collection and normalized name → row index, this file's own
	for i, r := range in.file.Rows {
		e := intake.Entry{Row: r.Row, Collection: r.Collection, Name: r.Name, ExternalID: r.ExternalID}
		if id, ok := byExt[r.ExternalID]; ok && r.ExternalID != "" {
			in.ids[i], e.ID, e.MatchedBy = id, fmt.Sprint(id), "external_id"
			in.rep.Matched = append(in.rep.Matched, e)
			continue
		}
		key := r.Collection + "\x00" + search.Normalize(r.Name)
		if r.Vendor >= 0 {
			key += fmt.Sprintf("\x00%d", in.ids[r.Vendor]) // a product is its vendor's
		}
		if j, ok := seen[key]; ok && r.Name != "" {
			in.ids[i], e.ID, e.MatchedBy = in.ids[j], fmt.Sprint(in.ids[j]), "row"
			in.rep.Matched = append(in.rep.Matched, e)
			continue
		}
		id, score, ok := nameMatch(ix, r)
		if r.Vendor >= 0 {
			// A product listed under a vendor is that vendor's: a namesake of another
			// vendor's is not it, and a new vendor has none yet.
			ok = false
			if !in.created[r.Vendor] {
				if id, score, ok, err = in.productOf(ctx, ix, r.Name, in.ids[r.Vendor]); err != nil {
					return err
				}
			}
		}
		if ok {
			in.ids[i], e.ID, e.MatchedBy, e.Score = id, fmt.Sprint(id), "name", score
			in.rep.Matched = append(in.rep.Matched, e)
			continue
		}
		if r.Name != "" {
			seen[key] = i
		}
		in.ids[i] = in.take(r.Collection)
		in.created[i] = true
	}
	return nil
}

// take numbers a new record of a collection.
func (in *intaker) take(collection string) int {
	id := in.next[collection]
	in.next[collection]++
	return id
}

// matchTypes are the search index's record types of the collections intake matches
// by name.
var matchTypes = map[string]string{"vendors": "vendor", "products": "product", "agencies": "agency", "sources": "source"}

// nameMatch finds the existing record a row's name answers unambiguously, by the
// reconciliation service's rule.
func nameMatch(ix *search.Index, r intake.Row) (int, float64, bool) {
	typ, ok := matchTypes[r.Collection]
	if !ok || r.Name == "" {
		return 0, 0, false
	}
	var scores []float64
	var top int
	for _, h := range ix.Search(r.Name, 10, typ) {
		if !slices.Contains(nameFields, h.Field) {
			continue
		}
		if len(scores) == 0 {
			top = atoi(h.ID)
		}
		scores = append(scores, math.Round(100*h.Score))
		if len(scores) == 2 {
			break
		}
	}
	if !unambiguous(scores...) {
		return 0, 0, false
	}
	return top, scores[0], true
}

// productOf finds the product of a vendor that a name answers at least as well as
// a match must (matchScore), among the name's candidates.
func (in *intaker) productOf(ctx context.Context, ix *search.Index, name string, vendor int) (int, float64, bool, error) {
	for _, h := range ix.Search(name, maxReconcileLimit, "product") {
		score := math.Round(100 * h.Score)
		if score < matchScore {
			break
		}
		p, err := in.st.GetProduct(ctx, atoi(h.ID), true)
		if err != nil {
			return 0, 0, false, err
		}
		if int(p.VendorID) == vendor {
			return int(p.ID), score, true, nil
		}
	}
	return 0, 0, false, nil
}

// batch reads every new row through the write path's reading of fields, collecting
// each row's problems, and builds the import, parents before the vendors they own.
func (in *intaker) batch(ctx context.Context) (store.Batch, map[int]string, error) {
	var b store.Batch
	ext := map[int]string{}
	in.order = map[string][]int{}
	for _, s := range in.newSrcs {
		f, problems, err := readRow[domain.SourceFields](ctx, in.st, s.Fields)
		if err != nil {
			return b, nil, err
		}
		for field, problem := range problems {
			in.rep.Refused = append(in.rep.Refused, intake.Problem{Field: field, Reason: "source " + s.Key + ": " + problem})
		}
		id := in.srcIDs[s.Key]
		b.Sources = append(b.Sources, domain.Source{Record: draft(id, nil), SourceFields: f})
		in.order["sources"] = append(in.order["sources"], 0)
		in.rep.Created = append(in.rep.Created, intake.Entry{Collection: "sources", ID: fmt.Sprint(id), Name: s.Key})
	}
	for _, i := range in.sequence() {
		r := in.file.Rows[i]
		if !in.created[i] {
			continue
		}
		fields := r.Fields
		// The vendor of a product, the parent of a vendor, may be new, numbered in
		// this import: its id is set after the file's references are resolved, as
		// resolveRefs would write it.
		if r.Vendor >= 0 {
			fields = maps(fields)
			fields[ofFile("vendor_id")], _ = json.Marshal(fmt.Sprint(in.ids[r.Vendor]))
		}
		if parent, ok := in.parents[i]; ok {
			fields = maps(fields)
			fields[ofFile("parent_id")], _ = json.Marshal(fmt.Sprint(parent))
		}
		var problems domain.Problems
		var err error
		id, cites := in.ids[i], in.citations(r)
		switch r.Collection {
		case "sources":
			problems, err = add(ctx, in.st, fields, &b.Sources, func(f domain.SourceFields) domain.Source {
				return domain.Source{Record: draft(id, nil), SourceFields: f}
			})
		case "vendors":
			problems, err = add(ctx, in.st, fields, &b.Vendors, func(f domain.VendorFields) domain.Vendor {
				return domain.Vendor{Record: draft(id, cites), VendorFields: f}
			})
			if r.ExternalID != "" {
				ext[id] = r.ExternalID
			}
		case "products":
			problems, err = add(ctx, in.st, fields, &b.Products, func(f domain.ProductFields) domain.Product {
				return domain.Product{Record: draft(id, cites), ProductFields: f}
			})
		case "agencies":
			problems, err = add(ctx, in.st, fields, &b.Agencies, func(f domain.AgencyFields) domain.Agency {
				return domain.Agency{Record: draft(id, cites), AgencyFields: f}
			})
		case "licenses":
			problems, err = add(ctx, in.st, fields, &b.Licenses, func(f domain.LicenseFields) domain.License {
				return domain.License{Record: draft(id, cites), LicenseFields: f}
			})
		case "terminations":
			problems, err = add(ctx, in.st, fields, &b.Terminations, func(f domain.TerminationFields) domain.Termination {
				return domain.Termination{Record: draft(id, cites), TerminationFields: f}
			})
		case "allegations":
			problems, err = add(ctx, in.st, fields, &b.Allegations, func(f domain.AllegationFields) domain.Allegation {
				return domain.Allegation{Record: draft(id, cites), AllegationFields: f}
			})
		case "communications":
			problems, err = add(ctx, in.st, fields, &b.Communications, func(f domain.CommunicationFields) domain.Communication {
				return domain.Communication{Record: draft(id, cites), CommunicationFields: f}
			})
		}
		if err != nil {
			return b, nil, err
		}
		names := make([]string, 0, len(problems))
		for field := range problems {
			names = append(names, field)
		}
		sort.Strings(names)
		for _, field := range names {
			in.rep.Refused = append(in.rep.Refused, intake.Problem{Row: r.Row, Column: r.Columns[field], Field: field, Reason: problems[field]})
		}
		in.order[r.Collection] = append(in.order[r.Collection], r.Row)
		in.rep.Created = append(in.rep.Created, intake.Entry{Row: r.Row, Collection: r.Collection, ID: fmt.Sprint(id), Name: r.Name, ExternalID: r.ExternalID})
	}
	return b, ext, nil
}

// rowOf returns the row of an import's record.
func (in *intaker) rowOf(collection string, index int) int {
	if rows := in.order[collection]; index < len(rows) {
		return rows[index]
	}
	return 0
}

// citations are the citations of a new record: the staffer's source and the file's
// sources the row cites, as reported.
func (in *intaker) citations(r intake.Row) []domain.Citation {
	var out []domain.Citation
	if in.cite > 0 {
		out = append(out, domain.Citation{SourceID: domain.ID(in.cite), Confidence: "reported"})
	}
	for _, k := range r.Cites {
		out = append(out, domain.Citation{SourceID: domain.ID(in.srcIDs[k]), Confidence: "reported"})
	}
	return out
}

// draft is a new draft's common part.
func draft(id int, cites []domain.Citation) domain.Record {
	return domain.Record{ID: domain.ID(id), Status: domain.StatusDraft, Revision: 1, Citations: cites}
}

// maps copies a row's fields.
func maps(m map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// add reads one row's fields as a create request's and appends its record.
func add[F, R any](ctx context.Context, st *store.Store, fields map[string]json.RawMessage, dst *[]R, rec func(F) R) (domain.Problems, error) {
	f, p, err := readRow[F](ctx, st, fields)
	if err != nil {
		return nil, err
	}
	*dst = append(*dst, rec(f))
	return p, nil
}

// ofFile names the key that carries a reference to a record taken in by the same
// file (a product's vendor_id, a vendor's parent_id): the import numbers that
// record, so no reference lookup would find its id yet.
func ofFile(field string) string { return "\x00" + field }

// readRow reads a record's fields as createRecord reads a request body's: references
// resolved, each field decoded, the record's own rules checked; every problem at once.
func readRow[F any](ctx context.Context, st *store.Store, fields map[string]json.RawMessage) (F, domain.Problems, error) {
	o := object(maps(fields))
	fixed := map[string]json.RawMessage{}
	for k, v := range o {
		if field, ok := strings.CutPrefix(k, ofFile("")); ok {
			fixed[field] = v
			delete(o, k)
		}
	}
	p := domain.Problems{}
	if err := resolveRefs[F](ctx, o, st.RefID, p); err != nil {
		var zero F
		return zero, nil, err
	}
	for field, v := range fixed {
		o[field] = v
	}
	f := decodeObject[F](o, true, p, "slug") // a vendor without a slug gets one from its name
	checkAll(&f, p)
	return f, p, nil
}

// maxIntakeBytes bounds an intake file (the API's other bodies: maxBodyBytes).
const (
	maxIntakeBytes = 8 << 20
	maxIntakeLimit = "8M"
)

// intakeParams are the query parameters of POST /api/v1/intake (a multipart form
// may carry them as fields instead).
var intakeParams = []string{"collection", "format", "map", "source", "dry_run"}

// intakeForm reads an intake request: a multipart form with the file in "file" and
// the options as fields, or the file as the raw body (Content-Type tells its format)
// with the options as query parameters.
func intakeForm(c echo.Context) (IntakeRequest, error) {
	r := c.Request()
	var req IntakeRequest
	get := func(name string) []string { return c.QueryParams()[name] }
	mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if mt == echo.MIMEMultipartForm {
		if err := r.ParseMultipartForm(maxIntakeBytes); err != nil {
			return req, bodyError(domain.Invalid("file", "the multipart form cannot be read: "+err.Error()))
		}
		fh, err := c.FormFile("file")
		if err != nil {
			return req, domain.Invalid("file", "send the file as the form's file field")
		}
		f, err := fh.Open()
		if err != nil {
			return req, err
		}
		defer f.Close()
		if req.Body, err = io.ReadAll(f); err != nil {
			return req, bodyError(err)
		}
		req.Name, req.ContentType = fh.Filename, fh.Header.Get(echo.HeaderContentType)
		form := r.MultipartForm.Value
		get = func(name string) []string { return append(slices.Clone(form[name]), c.QueryParams()[name]...) }
	} else {
		if mt == "" {
			return req, echo.NewHTTPError(http.StatusUnsupportedMediaType, "send the file as multipart/form-data, or as the body with its Content-Type (text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/json)")
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return req, bodyError(err)
		}
		req.Body, req.ContentType = b, mt
	}
	if len(req.Body) == 0 {
		return req, domain.Invalid("file", "the file is empty")
	}
	p := domain.Problems{}
	one := func(name string) string {
		v := get(name)
		if len(v) > 1 {
			p.Add(name, "given more than once")
		}
		if len(v) == 0 {
			return ""
		}
		return strings.TrimSpace(v[0])
	}
	req.Collection, req.Format, req.Source = one("collection"), one("format"), one("source")
	switch one("dry_run") {
	case "", "false", "0":
	case "true", "1", "on":
		req.DryRun = true
	default:
		p.Add("dry_run", "want true or false")
	}
	mapping, err := intake.ParseMapping(get("map"))
	if err != nil {
		p.Add("map", err.Error())
	}
	req.Mapping = mapping
	return req, p.Err("invalid intake options")
}

// createIntake takes a file in as drafts.
//
//	@Summary		Take a file in as drafts
//	@Description	Staff bring in a CSV or XLSX sheet of one collection (headers name fields, or are mapped to them with map=header=field) or a MISP galaxy "surveillance-vendor" cluster (JSON: vendors with aliases from synonyms, products from products, each ref a source cited on the vendor, official refs as the website, the galaxy itself as a source; of the relations its values state, ownership (is-acquired-by, acquires) becomes a new draft's parent_id, parents created first, while an existing record is never edited (the relation is reported as suggested) and the types the model has no place for (part-of, is-allied-with, known-as, related-to…) are reported as not recorded; a cycle or two parents for one vendor refuse the file, naming the values). Every record goes through the same reading and rules as a create request; each is matched against existing records (drafts too) by external id (a galaxy uuid), then by name and aliases with the reconciliation scorer, and a match is reported, not created again. The rest become drafts citing the source named by source (a sheet must name one) and the file's own sources, all in one transaction: a file with any refused row creates nothing, and the problem names each row and field (rows[N].field). Nothing is ever published. Send the file as multipart/form-data (field file, options as fields) or as the body with its Content-Type (options as query parameters); at most 8 MiB.
//	@Tags			intake
//	@Accept			mpfd,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			collection	query		string			false	"a sheet's collection: the records its rows are (sources, vendors, products, agencies, licenses, terminations, allegations or communications)"							Enums(sources,vendors,products,agencies,licenses,terminations,allegations,communications)
//	@Param			format		query		string			false	"the file's format: csv (a CSV sheet), xlsx (an XLSX workbook's first sheet) or misp-galaxy (a MISP galaxy cluster's JSON); left out: from its name or Content-Type"	Enums(csv,xlsx,misp-galaxy)
//	@Param			map			query		[]string		false	"header=field: a sheet's column header and the field it gives (repeat for each)"																						collectionFormat(multi)
//	@Param			source		query		string			false	"id of the existing source every created record cites (required for a sheet of a collection other than sources)"
//	@Param			dry_run		query		bool			false	"report what would be created, matched and refused, and write nothing"
//	@Param			file		formData	file			false	"the file (multipart/form-data)"
//	@Success		200			{object}	intake.Report	"a dry run: nothing written"
//	@Success		201			{object}	intake.Report	"the drafts were created"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		413			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/intake [post]
//	@ID				createIntake
func (s *Server) createIntake(c echo.Context) error {
	req, err := intakeForm(c)
	if err != nil {
		return err
	}
	rep, err := Intake(c.Request().Context(), s.store, req)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	if rep.DryRun {
		return c.JSON(http.StatusOK, rep)
	}
	return c.JSON(http.StatusCreated, rep)
}
