package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
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
//	@Router			/api/v1/version [get]
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

// exporters stream each collection's public records.
var exporters = map[string]func(s *Server, c echo.Context, csv bool) error{
	"vendors":        func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListVendors) },
	"products":       func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListProducts) },
	"agencies":       func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListAgencies) },
	"licenses":       func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListLicenses) },
	"terminations":   func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListTerminations) },
	"allegations":    func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListAllegations) },
	"communications": func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListCommunications) },
	"sources":        func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListSources) },
	"states":         func(s *Server, c echo.Context, csv bool) error { return stream(s, c, csv, s.store.ListStates) },
}

// export streams a whole collection.
//
//	@Summary		Export a collection
//	@Description	Every public (published and retracted) record of a collection, oldest first, streamed row by row: NDJSON (one record per line, in the API's shape) or CSV (the record's fields as columns; lists joined with ";"; nested objects as JSON; beside each reference to a vendor, product or agency, a column with its name: vendor_id then vendor_name, product_ids then product_names). The ETag and X-Dataset-Version name the dataset version the export started at.
//	@Tags			export
//	@Produce		application/x-ndjson,text/csv,application/problem+json
//	@Param			file	path		string	true	"COLLECTION.ndjson or COLLECTION.csv, e.g. licenses.ndjson"
//	@Success		200		{string}	string	"the records"
//	@Success		304		"not modified"
//	@Failure		404		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/export/{file} [get]
func (s *Server) export(c echo.Context) error {
	file := c.Param("file")
	name, ext, _ := strings.Cut(file, ".")
	exp, ok := exporters[name]
	if !ok || (ext != "ndjson" && ext != "csv") {
		return domain.Errorf(domain.ENOTFOUND, "no export %q: try COLLECTION.ndjson or COLLECTION.csv for vendors, products, agencies, licenses, terminations, allegations, communications, sources or states", file)
	}
	return exp(s, c, ext == "csv")
}

// stream writes every public record a list function gives, a page at a time, so
// memory stays flat however large the collection.
func stream[T any](s *Server, c echo.Context, csvOut bool, fetch func(context.Context, store.ListParams) ([]T, string, error)) error {
	ctx := c.Request().Context()
	version, err := s.version(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	contentType := "application/x-ndjson"
	if csvOut {
		contentType = "text/csv; charset=utf-8"
	}
	h.Set(echo.HeaderContentType, contentType)
	h.Set("Content-Disposition", `attachment; filename="`+c.Param("file")+`"`)
	h.Set("X-Dataset-Version", version)
	h.Set("Cache-Control", "public, no-cache")
	etag := `"v` + version + "-" + c.Param("file") + `"`
	h.Set("ETag", etag)
	if noneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	w := c.Response()
	w.WriteHeader(http.StatusOK)

	var csvEnc *dataset.CSVEncoder[T]
	if csvOut {
		names, err := s.store.RecordNames(ctx)
		if err != nil {
			return abort(s, c, err)
		}
		if csvEnc, err = dataset.NewCSVEncoder[T](w, names); err != nil {
			return abort(s, c, err)
		}
	}
	enc := jsonEncoder(w)
	// The next page is read while this one is written: reading and encoding each take
	// about half the time, and there are two cores.
	pages := make(chan exportPage[T], 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	maxID := 0
	if name, _, _ := strings.Cut(c.Param("file"), "."); name != "states" {
		if maxID, err = s.store.MaxID(ctx, name); err != nil {
			return abort(s, c, err)
		}
	}
	go readPages(ctx, maxID, fetch, pages)
	for pg := range pages {
		if pg.err != nil {
			return abort(s, c, pg.err)
		}
		if csvOut {
			err = csvEnc.Write(pg.rows)
		} else {
			for _, r := range pg.rows {
				if err = enc.Encode(r); err != nil {
					break
				}
			}
		}
		if err != nil {
			return abort(s, c, err)
		}
		w.Flush()
	}
	return nil
}

// exportPage is one page of an export, or the error that ended it.
type exportPage[T any] struct {
	rows []T
	err  error
}

// exportSpan is the id range one reader of an export takes at a time.
const exportSpan = 5000

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
		ranges[i] = make(chan exportPage[T], exportSpan/store.MaxLimit+1)
	}
	ahead := make(chan struct{}, 3)
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
		for pg := range ranges[i] {
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
	p.Statuses, p.Limit = domain.PublicStatuses, store.MaxLimit
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
