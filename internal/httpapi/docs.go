package httpapi

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"
	"github.com/swaggo/swag"

	_ "github.com/export-registry/registry/docs" // registers the generated document
	"github.com/export-registry/registry/internal/apidoc"
)

// openapi serves the OpenAPI 3 contract: swag's document, converted as `make docs`
// converts it into api/openapi.yaml (package apidoc), once.
//
//	@Summary		The API description (OpenAPI 3, generated from the code)
//	@Description	The OpenAPI 3 document of this API, as api/openapi.yaml in the repository: what client generators and the Swagger UI read. Every operation has an operationId. The Swagger 2.0 document swag generates is at /swagger.json.
//	@Tags			operations
//	@Produce		json,application/problem+json
//	@Success		200	{object}	object
//	@Router			/openapi.json [get]
//	@ID				getOpenAPI
func (s *Server) openapi(c echo.Context) error {
	doc, err := openapi3JSON()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, doc)
}

// openapi3JSON is the OpenAPI 3 document, converted once.
var openapi3JSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := swag.ReadDoc()
	if err != nil {
		return nil, err
	}
	v3, err := apidoc.V3([]byte(doc))
	if err != nil {
		return nil, err
	}
	return json.Marshal(v3)
})

// swagger serves the Swagger 2.0 document swag generates from these handlers'
// annotations.
//
//	@Summary		The API description (Swagger 2.0, as swag generates it)
//	@Description	The Swagger 2.0 document swag generates from the code's annotations, from which /openapi.json is converted. Prefer /openapi.json.
//	@Tags			operations
//	@Produce		json,application/problem+json
//	@Success		200	{object}	object
//	@Router			/swagger.json [get]
//	@ID				getSwagger
func (s *Server) swagger(c echo.Context) error {
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
//	@Summary		Swagger UI over /openapi.json
//	@Description	The Swagger UI page and its scripts and styles, served by the registry itself, reading /openapi.json.
//	@Tags			operations
//	@Produce		html
//	@Param			file	path		string	true	"a file of the UI: index.html, its scripts and styles"
//	@Success		200		{string}	string	"the page or asset"
//	@Failure		404		{string}	string	"no such file"
//	@Router			/docs/{file} [get]
//	@ID				getSwaggerUI
func (s *Server) swaggerUI(c echo.Context) error { return swaggerUIFiles(c) }

// docsIndex sends /docs to the UI's page.
//
//	@Summary		Swagger UI (redirects to /docs/index.html)
//	@Description	Redirects to the Swagger UI page, /docs/index.html.
//	@Tags			operations
//	@Success		301	"to /docs/index.html"
//	@Router			/docs [get]
//	@ID				getDocs
func (s *Server) docsIndex(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, "/docs/index.html")
}
