package httpapi

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/store"
)

// deltaFile is the delta export's file name.
const deltaFile = "delta.ndjson"

// deltaParams are the parameters of a delta: the versions it goes between.
var deltaParams = []string{"from", "to"}

// deltaRead reports a public read of a delta: made for each request, not kept like
// the other exports, so the server's bound on reads in progress (guard) admits it as
// it admits the reads the cache cannot answer.
func deltaRead(c echo.Context) bool {
	return c.Path() == "/api/v1/export/"+deltaFile && c.Request().Header.Get(echo.HeaderAuthorization) == ""
}

// exportDelta serves the changes between two dataset versions.
//
//	@Summary		Export the changes between two dataset versions
//	@Description	The delta between dataset versions from and to, in OpenSanctions' delta format: one operation a line (application/x-ndjson), {"op": "ADD"|"MOD"|"DEL", "record_type": …, "entity": record}. It takes the published records of version from (what the lists showed then) to those of version to: ADD a record published since, MOD a published record changed since, DEL a record retracted since (it leaves the lists; its entity is the retracted record, with its reason and date). The entity is the record in the API's and the NDJSON export's shape, as it is public at version to; record_type says what kind of record it is (its collection is that name's plural). A record published at both versions whose public content is the same but for its revision and updated_at is not listed, nor a record published and retracted between them. Lines follow the order of the changes. Drafts never appear, nor a draft source a record cites: cited sources show as they are public now, as in the records' public history.
//	@Description	A version is the X-Dataset-Version (meta.dataset_version) of any answer, or 0 for the empty registry; from equal to to is an empty delta. The ETag names the versions and the current dataset version (the cited sources' summaries are those of now); If-None-Match answers 304, Range resumes a download, and HEAD gives the headers alone.
//	@Tags			export
//	@Produce		application/x-ndjson,application/problem+json
//	@Param			from	query		int		true	"the earlier dataset version"							minimum(0)
//	@Param			to		query		int		false	"the later dataset version (default: the current one)"	minimum(0)
//	@Param			Range	header		string	false	"bytes=START-END, to resume a download"
//	@Success		200		{string}	string	"the operations, one a line"
//	@Success		206		{string}	string	"the range asked for"
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem	"from missing, a version this registry never had, from later than to, or an unknown parameter"
//	@Failure		416		"the range is outside the delta"
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/export/delta.ndjson [get]
//	@ID				exportDelta
func (s *Server) exportDelta(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	for name, vals := range q {
		if len(vals) > 1 {
			return domain.Invalid(name, "given more than once")
		}
	}
	if q.Get("from") == "" {
		return domain.Invalid("from", "required: the dataset version the delta starts from (0 for the empty registry)")
	}
	h := c.Response().Header()
	// A client that has the delta of the current version need not wait for it.
	version, err := s.version(c)
	if err != nil {
		return err
	}
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" {
		if from, to, err := deltaVersions(c, version); err == nil && httpx.NoneMatch(inm, deltaTag(version, from, to)) {
			setDeltaHeaders(h, version, from, to)
			return c.NoContent(http.StatusNotModified)
		}
	}

	// Made into a file in one consistent state of the database, then sent: a slow
	// client holds no transaction open, and Range and HEAD are answered as for the
	// other exports.
	f, err := os.CreateTemp("", "registry-delta-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var from, to int64
	err = s.store.Snapshot(ctx, func(ts *store.Store) error {
		if version, err = ts.DatasetVersion(ctx); err != nil {
			return err
		}
		if from, to, err = deltaVersions(c, version); err != nil {
			return err
		}
		if err := ts.CheckDeltaVersions(ctx, from, to); err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 256<<10)
		if err := dataset.WriteDelta(ctx, ts, w, from, to); err != nil {
			return err
		}
		return w.Flush()
	})
	if err != nil {
		return err
	}
	setDeltaHeaders(h, version, from, to)
	serveFile(c, f)
	return nil
}

// deltaVersions reads a delta's versions, whole numbers from 0; to is by default the
// current version. Whether they are versions is the store's to say
// (CheckDeltaVersions).
func deltaVersions(c echo.Context, current string) (from, to int64, err error) {
	if to, err = strconv.ParseInt(current, 10, 64); err != nil {
		return 0, 0, err
	}
	parse := func(name string) (int64, error) {
		v, err := strconv.ParseInt(c.QueryParam(name), 10, 64)
		if err != nil || v < 0 || strconv.FormatInt(v, 10) != c.QueryParam(name) {
			return 0, domain.Invalid(name, "must be a dataset version: a whole number from 0, as in X-Dataset-Version")
		}
		return v, nil
	}
	if from, err = parse("from"); err != nil {
		return 0, 0, err
	}
	if c.QueryParam("to") != "" {
		if to, err = parse("to"); err != nil {
			return 0, 0, err
		}
	}
	return from, to, nil
}

// deltaTag is the ETag of a delta served at a dataset version.
func deltaTag(version string, from, to int64) string {
	return exportTag(version, fmt.Sprintf("delta-%d-%d.ndjson", from, to))
}

// setDeltaHeaders sets the headers of a delta served at a dataset version.
func setDeltaHeaders(h http.Header, version string, from, to int64) {
	setExportHeaders(h, deltaFile, deltaFile, version, formatNDJSON)
	h.Set("ETag", deltaTag(version, from, to))
}
