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
//	@Produce	json
//	@Success	200	{object}	object
//	@Router		/openapi.json [get]
func (s *Server) openapi(c echo.Context) error {
	doc, err := swag.ReadDoc()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, []byte(doc))
}

// swaggerUI serves the Swagger UI over /openapi.json.
var swaggerUI = echoSwagger.EchoWrapHandler(echoSwagger.URL("/openapi.json"))

// docsIndex sends /docs to the UI's page.
func docsIndex(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, "/docs/index.html")
}
