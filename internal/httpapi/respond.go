package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
)

// listMeta is the meta of a list answer.
type listMeta struct {
	// NextCursor fetches the next page (as the cursor parameter); null on the last.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable"`
	// DatasetVersion names the public state of the registry this answer comes from.
	DatasetVersion string `json:"dataset_version" example:"42"`
	// AsOf is the time the answer shows the registry at (as_of; absent: now).
	AsOf *string `json:"as_of,omitempty" example:"2026-01-31T23:59:59.999999999Z"`
}

// itemMeta is the meta of a single-record answer.
type itemMeta struct {
	// Names the public state of the registry this answer comes from.
	DatasetVersion string `json:"dataset_version" example:"42"`
	// AsOf is the time the answer shows the registry at (as_of; absent: now).
	AsOf *string `json:"as_of,omitempty" example:"2026-01-31T23:59:59.999999999Z"`
}

// listEnvelope is the body of every list answer.
type listEnvelope[T any] struct {
	// The records of this page, in id order.
	Data []T `json:"data"`
	// Paging and the dataset version.
	Meta listMeta `json:"meta"`
}

// itemEnvelope is the body of every single-record answer.
type itemEnvelope[T any] struct {
	// The record.
	Data T `json:"data"`
	// The dataset version the answer comes from.
	Meta itemMeta `json:"meta"`
}

// jsonEncoder writes compact JSON without HTML escaping: the data holds quotes and
// ampersands that clients should see as they are.
func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// respond writes body as JSON with an ETag, answering 304 when the client already has
// it. etag is the record's own (its revision) or "" to derive one from the bytes.
func (s *Server) respond(c echo.Context, body any, etag, version string) error {
	var buf bytes.Buffer
	if err := jsonEncoder(&buf).Encode(body); err != nil {
		return err
	}
	return s.send(c, echo.MIMEApplicationJSON, buf.Bytes(), etag, version)
}

// send writes a representation with its validators and cache headers.
func (s *Server) send(c echo.Context, contentType string, b []byte, etag, version string) error {
	if etag == "" {
		etag = contentTag(b)
	}
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Add("Vary", "Accept, Authorization") // beside the compressor's Accept-Encoding
	h.Set("Cache-Control", "public, no-cache")
	noStore(c)
	if version != "" {
		h.Set("X-Dataset-Version", version)
	}
	if httpx.NoneMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	// Whole, as a kept answer is (a compressor drops it for its own length).
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(b)))
	return c.Blob(http.StatusOK, contentType, b)
}

// contentTag is the ETag of a representation without a revision of its own: a
// 64-bit xxHash of its bytes. A list's answer is 110 KB for 100 licences, and
// SHA-256 over it was 4.6% of an uncached list's CPU (BENCHMARKS.md); a validator
// needs no resistance to a forger, only to chance, and two answers of one URL share
// a 64-bit hash by chance once in 2^64.
func contentTag(b []byte) string {
	var sum [8]byte
	binary.BigEndian.PutUint64(sum[:], xxhash.Sum64(b))
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:]) + `"`
}

// revisionTag is a record's ETag: its revision, which every change raises.
func revisionTag(revision int) string {
	return `"` + strconv.Itoa(revision) + `"`
}

// respondItem writes one record in its envelope, with its revision as ETag.
func respondItem[T any](s *Server, c echo.Context, rec T, revision int) error {
	version, err := s.answerVersion(c)
	if err != nil {
		return err
	}
	return s.respond(c, itemEnvelope[T]{Data: rec, Meta: itemMeta{DatasetVersion: version, AsOf: asOfMeta(askedAsOf(c))}}, revisionTag(revision), version)
}

// respondList writes a page of records as JSON, CSV or XLSX (format), with a Link to
// the next page.
func respondList[T any](s *Server, c echo.Context, rows []T, next, format string) error {
	version, err := s.answerVersion(c)
	if err != nil {
		return err
	}
	next = linkNext(c, next)
	if format == formatXLSX {
		return respondXLSX(s, c, rows, next, version)
	}
	if format == formatCSV {
		bom, err := wantsBOM(c)
		if err != nil {
			return err
		}
		names, err := s.store.PublicNames(c.Request().Context(), nil)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if bom {
			buf.Write(utf8BOM)
		}
		if err := dataset.WriteCSV(&buf, rows, names); err != nil {
			return err
		}
		return s.send(c, "text/csv; charset=utf-8", buf.Bytes(), "", version)
	}
	meta := listMeta{DatasetVersion: version, AsOf: asOfMeta(askedAsOf(c))}
	if next != "" {
		meta.NextCursor = &next
	}
	if rows == nil {
		rows = []T{}
	}
	return s.respond(c, listEnvelope[T]{Data: rows, Meta: meta}, "", version)
}

// linkNext returns the cursor of the next page after the store's position next (""
// on the last page), bound to the list, and links that page (Link: rel="next").
func linkNext(c echo.Context, next string) string {
	if next == "" {
		return ""
	}
	next = bindCursor(c.Path(), cursorAt(next, askedAsOf(c)))
	u := *c.Request().URL
	q := u.Query()
	q.Set("cursor", next)
	u.RawQuery = q.Encode()
	c.Response().Header().Set("Link", "<"+u.RequestURI()+`>; rel="next"`)
	return next
}

// respondDocuments writes a page of records already encoded, which appendPage
// appends to a buffer (each record's JSON, separated by commas, and the store's
// position of the next page) given the dataset version the answer is of, in the list envelope: the bytes respondList writes for
// those records. The buffer is reused once the answer is written (send copies what
// it keeps).
func respondDocuments(s *Server, c echo.Context, appendPage func(dst []byte, version string) ([]byte, string, error)) error {
	version, err := s.answerVersion(c)
	if err != nil {
		return err
	}
	held := pageBuffers.Get().(*[]byte)
	defer func() {
		if cap(*held) <= maxPooledPage {
			pageBuffers.Put(held)
		}
	}()
	b, next, err := appendPage(append((*held)[:0], `{"data":[`...), version)
	*held = b
	if err != nil {
		return err
	}
	meta := listMeta{DatasetVersion: version, AsOf: asOfMeta(askedAsOf(c))}
	if next = linkNext(c, next); next != "" {
		meta.NextCursor = &next
	}
	buf := bytes.NewBuffer(append(b, `],"meta":`...))
	if err := jsonEncoder(buf).Encode(meta); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline, written after the envelope's end
	buf.WriteString("}\n")
	*held = buf.Bytes()
	return s.send(c, echo.MIMEApplicationJSON, *held, "", version)
}

// pageBuffers are the buffers of the pages respondDocuments writes: a page of 100
// licences is about 110 KB, which a new buffer would grow to in several copies.
var pageBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledPage bounds the buffers kept for reuse (a page of 500 licences is about
// 550 KB).
const maxPooledPage = 1 << 20

// listFormat decides a list's format: format=json|csv|xlsx wins, then the Accept
// header (text/csv).
func listFormat(c echo.Context) (string, error) {
	switch f := c.QueryParam("format"); f {
	case formatCSV, formatJSON, formatXLSX:
		return f, nil
	case "":
		if acceptsCSV(c.Request()) {
			return formatCSV, nil
		}
		return formatJSON, nil
	default:
		return "", domain.Invalid("format", "must be json, csv or xlsx")
	}
}

// acceptsCSV reports whether a request's Accept header asks for CSV: all a list reads
// in it, and so all the response cache keys by.
func acceptsCSV(r *http.Request) bool {
	return strings.Contains(r.Header.Get(echo.HeaderAccept), "text/csv")
}
