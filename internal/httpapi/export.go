package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/store"
)

// versionResponse names the public state of the registry.
type versionResponse struct {
	Data versionData `json:"data"`
}

type versionData struct {
	// DatasetVersion changes whenever any public record changes; cite it with the
	// data it came with.
	DatasetVersion string `json:"dataset_version" example:"42"`
	// ChangedAt is when the newest public change was made.
	ChangedAt *time.Time `json:"changed_at" extensions:"x-nullable"`
	// Synthetic is true for a generated registry (benchmarks): its records are not facts.
	Synthetic bool `json:"synthetic"`
}

// getVersion returns the dataset version.
//
//	@Summary		Dataset version
//	@Description	The version of the public data: it changes whenever any public record changes. Every answer also carries it (meta.dataset_version, X-Dataset-Version).
//	@Tags			export
//	@Produce		json,application/problem+json
//	@Success		200	{object}	versionResponse
//	@Success		304	"not modified"
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/version [get]
//	@ID				getVersion
func (s *Server) getVersion(c echo.Context) error {
	ctx := c.Request().Context()
	version, err := s.version(c)
	if err != nil {
		return err
	}
	at, err := s.store.LastChange(ctx)
	if err != nil {
		return err
	}
	synthetic, err := s.store.IsSynthetic(ctx)
	if err != nil {
		return err
	}
	d := versionData{DatasetVersion: version, Synthetic: synthetic}
	if !at.IsZero() {
		d.ChangedAt = &at
	}
	return s.respond(c, versionResponse{Data: d}, "", version)
}

// exporters write each collection's public records.
var exporters = map[string]func(ctx context.Context, s *Server, w io.Writer, format string) error{
	"vendors":        exporter("vendors", (*store.Store).ListVendors),
	"products":       exporter("products", (*store.Store).ListProducts),
	"agencies":       exporter("agencies", (*store.Store).ListAgencies),
	"licenses":       exporter("licenses", (*store.Store).ListLicenses),
	"terminations":   exporter("terminations", (*store.Store).ListTerminations),
	"allegations":    exporter("allegations", (*store.Store).ListAllegations),
	"communications": exporter("communications", (*store.Store).ListCommunications),
	"sources":        exporter("sources", (*store.Store).ListSources),
	"states":         exporter("states", (*store.Store).ListStates),
}

// exporter returns the writer of a collection's export from its list function.
func exporter[T any](collection string, list func(*store.Store, context.Context, store.ListParams) ([]T, string, error)) func(context.Context, *Server, io.Writer, string) error {
	return func(ctx context.Context, s *Server, w io.Writer, format string) error {
		fetch := func(ctx context.Context, p store.ListParams) ([]T, string, error) { return list(s.store, ctx, p) }
		return writeExport(ctx, s, w, collection, format, fetch)
	}
}

// export serves a whole collection.
//
//	@Summary		Export a collection
//	@Description	Every public (published and retracted) record of a collection, oldest first: NDJSON (one record per line, in the API's shape), CSV (the record's fields as columns; lists joined with ";"; nested objects as JSON; beside each reference to a vendor, product or agency, a column with its name: vendor_id then vendor_name, product_ids then product_names; null, which is unknown, is the empty cell, and an empty list, which is known to be none, is []), or XLSX (a workbook: a sheet of the records with the CSV's columns, a sheet "sources" of the public sources they cite, and a sheet "about" with the dataset version, the time of export and how to cite it). In XLSX every cell is typed and none is a formula: text is a text cell, exactly as in the registry (a text starting with = is shown, never run); numbers are numbers; a date known to the day is a date cell (yyyy-mm-dd), one known only to the month or year is the text 2014-03 or 2014, so no day is shown that the sources do not give; null is the empty cell and a known empty list is []. In CSV a text cell starting with =, +, -, @, tab or carriage return gets a leading ' so that spreadsheets do not run it as a formula; NDJSON carries every text exactly.
//	@Description	An export is made once per dataset version and kept, so it comes with its Content-Length, and a broken download resumes with a Range request. The ETag and X-Dataset-Version name the dataset version the export holds, which may be later than the one current when the request arrived, never earlier. Clients that send Accept-Encoding: gzip get NDJSON and CSV compressed (Content-Encoding: gzip, with an ETag of its own); an XLSX workbook is compressed already.
//	@Tags			export
//	@Produce		application/x-ndjson,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/problem+json
//	@Param			file			path		string	true	"COLLECTION.ndjson, COLLECTION.csv or COLLECTION.xlsx, e.g. licenses.ndjson"
//	@Param			bom				query		string	false	"1: a CSV starts with a UTF-8 byte order mark, so that Excel on Windows reads it as UTF-8; 0 (the default): no mark. NDJSON and XLSX ignore it"	Enums(0, 1)
//	@Param			Range			header		string	false	"bytes=START-END, to resume a download (up to 5 ranges; with more, the whole export is sent)"
//	@Param			Accept-Encoding	header		string	false	"gzip, for a compressed answer"
//	@Success		200				{string}	string	"the records"
//	@Success		206				{string}	string	"the range asked for"
//	@Success		304				"not modified"
//	@Failure		400				{object}	Problem	"an unknown parameter, or a bom other than 0 or 1"
//	@Failure		404				{object}	Problem
//	@Failure		416				"the range is outside the export"
//	@Failure		429				{object}	Problem
//	@Failure		500				{object}	Problem
//	@Failure		503				{object}	Problem	"the data kept changing while the export was made; retry"
//	@Router			/api/v1/export/{file} [get]
//	@ID				exportCollection
func (s *Server) export(c echo.Context) error {
	file := c.Param("file")
	name, ext, _ := strings.Cut(file, ".")
	exp, ok := exporters[name]
	if !ok || (ext != formatNDJSON && ext != formatCSV && ext != formatXLSX) {
		return domain.Errorf(domain.ENOTFOUND, "no export %q: try COLLECTION.ndjson, COLLECTION.csv or COLLECTION.xlsx for vendors, products, agencies, licenses, terminations, allegations, communications, sources or states, or entities.ftm.json for every public record as FollowTheMoney entities", file)
	}
	bom, err := wantsBOM(c)
	if err != nil {
		return err
	}
	return s.serveExport(c, file, ext, bom && ext == formatCSV, func(ctx context.Context, w io.Writer) error { return exp(ctx, s, w, ext) })
}

// ftmFile is the FollowTheMoney export's file name.
const ftmFile = "entities.ftm.json"

// exportFtM serves every public record as FollowTheMoney entities.
//
//	@Summary		Export as FollowTheMoney entities
//	@Description	Every public (published and retracted) record as FollowTheMoney (FtM) entities, the model Aleph and OpenSanctions read: one JSON object a line (application/x-ndjson), {id, schema, properties: {property: [strings]}, datasets, first_seen, last_seen}. Ids are stable and namespaced by record type (ser-vendor-1, ser-agency-2, ser-license-3, ser-award-3, ser-source-4, ser-citation-5, ser-state-MX…). Vendors are Company; agencies, and the states a record names, PublicBody (the model has no Territory); a licence is a License whose authority is its end user (the agency, else the state) and whose products are its commodities, with a ContractAward naming the vendor as supplier and the licence's validity as its startDate and endDate; allegations and terminations are Event (involved: the vendor; organizer: the operating agency or state); sources are Document (Article for the media), and each citation is a Documentation linking the source (document) to the record it supports (entity), its confidence as role. A retracted record says so in notes. Drafts never appear, nor a reference to one. Every line keeps to the model of @alephdata/followthemoney 3.8.4 (schemata, properties of the schema and its parents, entity references that resolve within the export).
//	@Description	Served like the other exports: made once per dataset version and kept (Content-Length, Range to resume, ETag and X-Dataset-Version naming the version held, gzip on Accept-Encoding), and HEAD gives the headers alone.
//	@Tags			export
//	@Produce		application/x-ndjson,application/problem+json
//	@Param			Range			header		string	false	"bytes=START-END, to resume a download (up to 5 ranges; with more, the whole export is sent)"
//	@Param			Accept-Encoding	header		string	false	"gzip, for a compressed answer"
//	@Success		200				{string}	string	"the entities, one a line"
//	@Success		206				{string}	string	"the range asked for"
//	@Success		304				"not modified"
//	@Failure		400				{object}	Problem	"an unknown parameter"
//	@Failure		416				"the range is outside the export"
//	@Failure		429				{object}	Problem
//	@Failure		500				{object}	Problem
//	@Failure		503				{object}	Problem	"the data kept changing while the export was made; retry"
//	@Router			/api/v1/export/entities.ftm.json [get]
//	@ID				exportEntitiesFtM
func (s *Server) exportFtM(c echo.Context) error {
	return s.serveExport(c, ftmFile, formatNDJSON, false, func(ctx context.Context, w io.Writer) error { return dataset.WriteFtM(ctx, s.store, w) })
}

// serveExport serves an export file made by write: kept once per dataset version,
// with ranges, gzip (not for a workbook, a zip already) and HEAD; ext (its format)
// and bom say what the file is.
func (s *Server) serveExport(c echo.Context, file, ext string, bom bool, write func(context.Context, io.Writer) error) error {
	version, err := s.version(c)
	if err != nil {
		return err
	}
	// A workbook is a zip already: gzip would cost time for nothing.
	gz := ext != formatXLSX && acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding))
	plain := file // the kept file before any compression
	if bom {
		plain += bomSuffix
	}
	stored := plain
	if gz {
		stored += ".gz"
	}
	h := c.Response().Header()
	h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if httpx.NoneMatch(c.Request().Header.Get("If-None-Match"), exportTag(version, stored)) {
		setExportHeaders(h, file, stored, version, ext)
		return c.NoContent(http.StatusNotModified)
	}

	want, err := strconv.ParseInt(version, 10, 64)
	if err != nil {
		return err
	}
	maker := func(ctx context.Context, w io.Writer) (int64, error) { return s.exports.consistent(ctx, w, write) }
	if bom {
		maker = s.exports.withBOM(file, want, maker)
	}
	if gz {
		maker = s.exports.gzipped(plain, want, maker)
	}
	// The headers are set once the export is there: an error is a problem+json of
	// its own, not an export's.
	f, got, err := s.exports.open(c.Request().Context(), stored, want, maker)
	switch {
	case errors.Is(err, errNoExportDir):
		// No disk to keep exports on: stream from the database, as it reads.
		s.log.WarnContext(c.Request().Context(), "exports are streamed, not kept", "err", err)
		setExportHeaders(h, file, file, version, ext)
		if isHead(c) {
			return c.NoContent(http.StatusOK) // the headers only: no export read for nothing
		}
		if bom {
			bare := write
			write = func(ctx context.Context, w io.Writer) error {
				if _, err := w.Write(utf8BOM); err != nil {
					return err
				}
				return bare(ctx, w)
			}
		}
		return stream(s, c, write)
	case errors.Is(err, errChanged):
		h.Set("Retry-After", "1")
		return domain.Errorf(domain.EUNAVAILABLE, "the registry changed during each attempt to export %s; retry in a moment", file)
	case err != nil:
		return err
	}
	defer f.Close()
	setExportHeaders(h, file, stored, strconv.FormatInt(got.version, 10), ext)
	if gz && (c.Request().Header.Get("Range") == "" || manyRanges(c.Request().Header.Get("Range"))) {
		// ServeContent leaves out the length of an encoded whole file; a download
		// should know how long it is.
		if fi, err := f.Stat(); err == nil {
			h.Set(echo.HeaderContentLength, strconv.FormatInt(fi.Size(), 10))
		}
	}
	serveFile(c, f)
	return nil
}

// serveFile sends an export's file, its headers set. ServeContent answers Range,
// If-Range and If-None-Match (against the ETag set), and copies the file (100 MB in
// about 25 ms here); a HEAD gets the headers alone.
func serveFile(c echo.Context, f *os.File) {
	if manyRanges(c.Request().Header.Get("Range")) {
		// RFC 9110 lets a server ignore Range: the whole file costs no more than a
		// plain GET, where ServeContent would send each of thousands of tiny parts
		// with headers of its own (6,000 one-byte ranges: 846 KB).
		c.Request().Header.Del("Range")
	}
	r := c.Request()
	if isHead(c) {
		// Served as GET, but ServeContent copies the file for a GET: it needs to know.
		r = r.Clone(r.Context())
		r.Method = http.MethodHead
	}
	http.ServeContent(c.Response(), r, "", time.Time{}, f)
}

// maxRanges is the most ranges an export request may ask for at once: resuming a
// download takes one; a Range header with more is ignored (the whole file is sent).
const maxRanges = 5

// manyRanges reports whether a Range header asks for more than maxRanges ranges.
func manyRanges(header string) bool { return strings.Count(header, ",") >= maxRanges }

// exportTag is the ETag of an export file (file, or file.gz) of a dataset version.
func exportTag(version, stored string) string { return `"v` + version + "-" + stored + `"` }

// setExportHeaders sets the headers of an export of dataset version; stored is the
// file sent (file, or file.gz).
func setExportHeaders(h http.Header, file, stored, version, format string) {
	h.Set(echo.HeaderContentType, contentTypes[format])
	if strings.HasSuffix(stored, ".gz") {
		h.Set(echo.HeaderContentEncoding, "gzip")
	}
	h.Set("Content-Disposition", `attachment; filename="`+file+`"`)
	h.Set("X-Dataset-Version", version)
	h.Set("Cache-Control", "public, no-cache")
	h.Set("ETag", exportTag(version, stored))
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}

// stream writes an export straight from the database, flushing page by page.
func stream(s *Server, c echo.Context, write func(context.Context, io.Writer) error) error {
	w := c.Response()
	w.WriteHeader(http.StatusOK)
	if err := write(c.Request().Context(), w); err != nil {
		return abort(s, c, err)
	}
	return nil
}

// writeExport writes every public record a list function gives, a page at a time, so
// memory stays flat however large the collection.
func writeExport[T any](ctx context.Context, s *Server, w io.Writer, collection, format string, fetch func(context.Context, store.ListParams) ([]T, string, error)) error {
	csvOut := format == formatCSV
	var csvEnc *dataset.CSVEncoder[T]
	var book *workbook[T]
	switch format {
	case formatCSV:
		names, err := s.store.PublicNames(ctx, nil)
		if err != nil {
			return err
		}
		if csvEnc, err = dataset.NewCSVEncoder[T](w, names); err != nil {
			return err
		}
	case formatXLSX:
		var err error
		if book, err = newWorkbook[T](ctx, s, collection); err != nil {
			return err
		}
		defer book.enc.Abort()
	}
	enc := jsonEncoder(w)
	flusher, _ := w.(http.Flusher)
	// The next pages are read while this one is written: reading and encoding each
	// take part of the time, and there are two cores.
	pages := make(chan exportPage[T], 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	maxID := 0
	if collection != "states" {
		var err error
		if maxID, err = s.store.MaxID(ctx, collection); err != nil {
			return err
		}
	}
	go readPages(ctx, maxID, fetch, pages)
	for pg := range pages {
		if pg.err != nil {
			return pg.err
		}
		var err error
		if book != nil {
			err = book.enc.Write(pg.rows)
		} else if csvOut {
			err = csvEnc.Write(pg.rows)
		} else {
			// A pointer: given a value, the encoder copies each record first.
			for i := range pg.rows {
				if err = enc.Encode(&pg.rows[i]); err != nil {
					break
				}
			}
		}
		if err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	// The pages end early only when the export was cancelled: never a short success.
	if err := ctx.Err(); err != nil {
		return err
	}
	if book != nil {
		return book.close(ctx, s, w, "")
	}
	return nil
}

// exportPage is one page of an export, or the error that ended it.
type exportPage[T any] struct {
	rows []T
	err  error
}

// exportSpan is the id range one reader of an export takes at a time.
const exportSpan = 2500

// readPages reads every public record into pages, in id order, then closes it. A
// record collection is read by two readers over consecutive id ranges (reading is
// most of an export's work, and there are two cores), at most three ranges ahead of
// the writer, so memory stays bounded. States, keyed by code, are read in order.
func readPages[T any](ctx context.Context, maxID int, fetch func(context.Context, store.ListParams) ([]T, string, error), pages chan<- exportPage[T]) {
	defer close(pages)
	if maxID == 0 {
		readRange(ctx, fetch, store.ListParams{}, pages)
		return
	}
	n := maxID/exportSpan + 1
	ranges := make([]chan exportPage[T], n)
	for i := range ranges {
		ranges[i] = make(chan exportPage[T], 1)
	}
	ahead := make(chan struct{}, 2)
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := range n {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range 2 {
		go func() {
			for i := range jobs {
				readRange(ctx, fetch, store.ListParams{After: i * exportSpan, Before: (i+1)*exportSpan + 1}, ranges[i])
				close(ranges[i])
			}
		}()
	}
	for i := range n {
		for {
			// A cancelled export may never get range i handed out: wait on both.
			var pg exportPage[T]
			var more bool
			select {
			case pg, more = <-ranges[i]:
			case <-ctx.Done():
				return
			}
			if !more {
				break
			}
			select {
			case pages <- pg:
			case <-ctx.Done():
				return
			}
			if pg.err != nil {
				return
			}
		}
		<-ahead
	}
}

// readRange reads the public records of one id range (or all, for states), a page at
// a time, into out.
func readRange[T any](ctx context.Context, fetch func(context.Context, store.ListParams) ([]T, string, error), p store.ListParams, out chan<- exportPage[T]) {
	p.Statuses, p.Batch = domain.PublicStatuses, exportSpan
	for {
		rows, next, err := fetch(ctx, p)
		if err == nil && next != "" {
			err = nextPage(&p, next)
		}
		select {
		case out <- exportPage[T]{rows: rows, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil || next == "" {
			return
		}
	}
}

// nextPage moves list parameters to the page a cursor names.
func nextPage(p *store.ListParams, next string) error {
	if id, err := store.DecodeCursor(next); err == nil {
		p.After = id
		return nil
	}
	code, err := store.DecodeCodeCursor(next)
	p.AfterCode = code
	return err
}

// abort ends a stream that failed after its status was sent: the connection is cut
// so the client sees an error instead of a silently short file.
func abort(s *Server, c echo.Context, err error) error {
	s.logInternal(c, err)
	panic(http.ErrAbortHandler)
}
