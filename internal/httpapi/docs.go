package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"
	"github.com/swaggo/swag"

	_ "github.com/export-registry/registry/docs" // registers the generated document
)

// openapi serves the document swag generates from these handlers' annotations.
//
//	@Summary	The API description (Swagger 2.0, generated from the code)
//	@Tags		operations
//	@Produce	json,application/problem+json
//	@Success	200	{object}	object
//	@Router		/openapi.json [get]
func (s *Server) openapi(c echo.Context) error {
	doc, err := swag.ReadDoc()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, []byte(doc))
}

// swaggerUIFiles serves the Swagger UI's embedded files, pointed at /openapi.json.
var swaggerUIFiles = echoSwagger.EchoWrapHandler(echoSwagger.URL("/openapi.json"))

// swaggerUI serves the Swagger UI.
//
//	@Summary	Swagger UI over /openapi.json
//	@Tags		operations
//	@Produce	html
//	@Param		file	path		string	true	"a file of the UI: index.html, its scripts and styles"
//	@Success	200		{string}	string	"the page or asset"
//	@Failure	404		{string}	string	"no such file"
//	@Router		/docs/{file} [get]
func (s *Server) swaggerUI(c echo.Context) error { return swaggerUIFiles(c) }

// docsIndex sends /docs to the UI's page.
//
//	@Summary	Swagger UI (redirects to /docs/index.html)
//	@Tags		operations
//	@Success	301	"to /docs/index.html"
//	@Router		/docs [get]
func (s *Server) docsIndex(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, "/docs/index.html")
}
