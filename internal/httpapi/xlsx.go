package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/store"
)

// The formats of lists (format=) and exports (the file's extension).
const (
	formatJSON   = "json"
	formatNDJSON = "ndjson"
	formatCSV    = "csv"
	formatXLSX   = "xlsx"
)

// contentTypes are the media types of the formats.
var contentTypes = map[string]string{
	formatJSON:   echo.MIMEApplicationJSON,
	formatNDJSON: "application/x-ndjson",
	formatCSV:    "text/csv; charset=utf-8",
	formatXLSX:   dataset.XLSXContentType,
}

// workbook is an XLSX answer being written: the records' sheet as pages arrive, then
// the sources they cite and what it is.
type workbook[T any] struct {
	enc   *dataset.XLSXEncoder[T]
	about dataset.About
}

// newWorkbook starts a workbook of a collection's records at the current dataset
// version (an export's maker reads it again after writing: a version that moved
// meanwhile makes the export again, so the about sheet names the version it holds).
func newWorkbook[T any](ctx context.Context, s *Server, collection string) (*workbook[T], error) {
	version, err := s.store.DatasetVersion(ctx)
	if err != nil {
		return nil, err
	}
	return startWorkbook[T](ctx, s, collection, version)
}

func startWorkbook[T any](ctx context.Context, s *Server, collection, version string) (*workbook[T], error) {
	names, err := s.store.PublicNames(ctx, nil)
	if err != nil {
		return nil, err
	}
	synthetic, err := s.store.IsSynthetic(ctx)
	if err != nil {
		return nil, err
	}
	enc, err := dataset.NewXLSXEncoder[T](collection, names)
	if err != nil {
		return nil, err
	}
	about := dataset.About{Collection: collection, DatasetVersion: version, ExportedAt: time.Now().UTC().Truncate(time.Second), Synthetic: synthetic}
	return &workbook[T]{enc: enc, about: about}, nil
}

// close writes the sources sheet, the about sheet and the workbook to w.
func (b *workbook[T]) close(ctx context.Context, s *Server, w io.Writer, url string) error {
	sources, err := citedSources(ctx, s.store, b.enc.Cited())
	if err != nil {
		return err
	}
	b.about.URL = url
	return b.enc.Close(w, sources, b.about)
}

// citedSources returns the public sources among ids, in id order: in one query for a
// few (a page of a list), else by reading every public source a page at a time and
// keeping the cited ones (a whole collection cites most of them).
func citedSources(ctx context.Context, st *store.Store, ids []domain.ID) ([]domain.Source, error) {
	var out []domain.Source
	if len(ids) <= store.MaxLimit {
		want := make([]int, len(ids))
		for i, id := range ids {
			want[i] = int(id)
		}
		return st.PublicSources(ctx, want) // a draft source is left out: not the public's to see
	}
	want := make(map[domain.ID]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	p := store.ListParams{Statuses: domain.PublicStatuses, Batch: exportSpan}
	for {
		rows, next, err := st.ListSources(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, src := range rows {
			if want[src.ID] {
				out = append(out, src)
			}
		}
		if next == "" {
			return out, nil
		}
		if err := nextPage(&p, next); err != nil {
			return nil, err
		}
	}
}

// respondXLSX writes a page of a list as a workbook. Its ETag is the page's (its
// records as JSON, the dataset version and the next cursor), not the bytes', which
// carry the time the workbook was made.
func respondXLSX[T any](s *Server, c echo.Context, rows []T, next, version string) error {
	ctx := c.Request().Context()
	collection := strings.TrimPrefix(c.Path(), "/api/v1/")
	h := sha256.New()
	if err := jsonEncoder(h).Encode(rows); err != nil {
		return err
	}
	io.WriteString(h, "\x00"+version+"\x00"+next)
	etag := `"x` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
	if httpx.NoneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return s.send(c, dataset.XLSXContentType, nil, etag, version) // 304: no workbook to build
	}
	book, err := startWorkbook[T](ctx, s, collection, version)
	if err != nil {
		return err
	}
	defer book.enc.Abort()
	if err := book.enc.Write(rows); err != nil {
		return err
	}
	var buf strings.Builder
	if err := book.close(ctx, s, &buf, c.Request().URL.RequestURI()); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+collection+`.xlsx"`)
	return s.send(c, dataset.XLSXContentType, []byte(buf.String()), etag, version)
}
