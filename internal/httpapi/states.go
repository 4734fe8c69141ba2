package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// listStates lists the ISO 3166-1 reference data.
//
//	@Summary		List states
//	@Description	Every country the registry knows, by ISO 3166-1 alpha-2 code: the 249 officially assigned codes and XK (user-assigned, commonly used for Kosovo; "official": false). Each code has a profile at /api/v1/states/{iso2}. In CSV (Accept: text/csv or format=csv) null, which is unknown, is the empty cell and an empty list, which is known to be none, is [].
//	@Tags			states
//	@Produce		json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/problem+json
//	@Param			q		query		string	false	"code or part of the name"
//	@Param			limit	query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor	query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format	query		string	false	"json (default), csv or xlsx (a workbook: the records' sheet with the CSV's columns, typed cells, a sheet of the sources they cite and one saying the dataset version and how to cite it)"	Enums(json, csv, xlsx)
//	@Success		200		{object}	listEnvelope[domain.State]
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/states [get]
//	@ID				listStates
func (s *Server) listStates(c echo.Context) error {
	return list[domain.State](s, c, statesSpec, s.store.ListStates)
}

// statesSpec are the parameters of the state list: a name or code, and paging by code.
var statesSpec = listSpec{filters: []string{fQ}, byCode: true}

// profileResponse is a country profile.
type profileResponse struct {
	Data store.Profile `json:"data"`
	Meta itemMeta      `json:"meta"`
}

// getState returns a country profile.
//
//	@Summary		Country profile
//	@Description	Everything the registry holds about one country in one call: its agencies; vendors headquartered in it and their products; licences to it (licenses_to: naming it as end-user state) and from it (licenses_from: naming it as exporting state, and only those: a vendor's headquarters do not say which state authorised an export, so a licence naming no exporting state is from no country); the licences of its vendors (vendor_licenses: of the vendors headquartered in it, whatever state they name or none); terminations naming it as the customer's state, directly or through one of its agencies (terminations), and the terminations of its vendors, whichever customer they ended (vendor_terminations); allegations that name it (directly or through an agency) or concern its vendors; communications addressed to it, copying it, or addressed to its vendors. A record may be in two sections (a licence of a vendor headquartered in the country that names it as exporting state). A record placed through a vendor or an agency is placed only by a public one: a draft's country is not public. Each section holds at most 100 records, oldest first; counts give the totals and the filtered lists give the rest. A lower-case code redirects (301) to the upper-case URL, an ISO 3166-1 alpha-3 code (ISR) to its alpha-2 URL (308).
//	@Tags			states
//	@Produce		json,application/problem+json
//	@Param			iso2	path		string	true	"ISO 3166-1 alpha-2 code (an alpha-3 code redirects)"
//	@Param			as_of	query		string	false	"a time to read the profile at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. Every section is rebuilt from the records as they were public then, with meta.as_of"
//	@Success		200		{object}	profileResponse
//	@Success		301		"the upper-case URL"
//	@Success		308		"the alpha-2 URL of an alpha-3 code (/api/v1/states/ISR → /api/v1/states/IL)"
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/states/{iso2} [get]
//	@ID				getState
func (s *Server) getState(c echo.Context) error {
	raw := c.Param("iso2")
	code, ok := domain.NormalizeCountry(raw)
	status := http.StatusMovedPermanently
	if !ok {
		// An alpha-3 code names the same state: its URL is the alpha-2 one, for
		// every method (308 keeps the method, unlike 301).
		if code, ok = domain.CountryByAlpha3(raw); !ok {
			return domain.NotFound("state", raw)
		}
		status = http.StatusPermanentRedirect
	}
	if code != raw {
		u := *c.Request().URL
		u.Path = strings.TrimSuffix(u.Path, raw) + code
		return c.Redirect(status, u.RequestURI())
	}
	ctx := c.Request().Context()
	at, err := asOf(c)
	if err != nil {
		return err
	}
	var p store.Profile
	if at != nil {
		p, err = s.store.StateProfileAt(ctx, code, *at)
	} else {
		p, err = s.store.StateProfile(ctx, code, s.canSeeDrafts(c))
	}
	if err != nil {
		return err
	}
	version, err := s.answerVersion(c)
	if err != nil {
		return err
	}
	return s.respond(c, profileResponse{Data: p, Meta: itemMeta{DatasetVersion: version, AsOf: asOfMeta(at)}}, "", version)
}
