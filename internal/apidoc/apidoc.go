// Package apidoc turns the Swagger 2.0 document swag generates from the handlers'
// annotations into the OpenAPI 3 contract: the one conversion behind both
// api/openapi.yaml (written by `make docs`) and the /openapi.json the server serves,
// so the two cannot differ.
package apidoc

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/export-registry/registry/internal/domain"
)

// V3 converts swag's Swagger 2.0 JSON to OpenAPI 3.
func V3(swagger []byte) (*openapi3.T, error) {
	var v2 openapi2.T
	if err := json.Unmarshal(swagger, &v2); err != nil {
		return nil, fmt.Errorf("read the Swagger 2.0 document: %w", err)
	}
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	// Paths in the annotations are absolute and every instance serves its own document,
	// so the one server is relative: "/" resolves against wherever the document was read
	// from (OpenAPI 3.0 §4.7.5), which client generators and the Swagger UI honour.
	// swag's host (if any) is dropped: it would name one deployment.
	v3.Servers = openapi3.Servers{{URL: "/", Description: "this registry"}}
	notAcceptable(v3)
	fieldDocs(v3)
	return v3, nil
}

// fieldDocs describes each record field that has no description of its own (a
// comment on its Go field) with the glossary's words the staff console shows beside
// it (domain.FieldDocs; its API words where the form's speak of the form): the record
// types, their request bodies and citations, so a field means the same in the form
// and in the contract. A date's precision beside it is described by its date.
func fieldDocs(v3 *openapi3.T) {
	for name, ref := range v3.Components.Schemas {
		recordType, ok := recordTypeOf(name)
		if !ok || ref.Value == nil {
			continue
		}
		for field, p := range ref.Value.Properties {
			if p.Value == nil || p.Value.Description != "" || p.Ref != "" {
				continue
			}
			if d := domain.DocOf(recordType, field); d.API != "" {
				p.Value.Description = d.API
			} else if d.Help != "" {
				p.Value.Description = d.Help
			} else if date, ok := strings.CutSuffix(field, "_precision"); ok {
				p.Value.Description = "How precise " + date + " is: year, month or day, as its form (YYYY, YYYY-MM, YYYY-MM-DD) says; null when " + date + " is."
			}
		}
	}
}

// recordTypeOf returns the record type (as revisions name it) whose fields a schema
// holds: domain.License, domain.LicenseFields and httpapi.createLicenseRequest are
// a licence's; domain.Citation and httpapi.citationRequest a citation's.
func recordTypeOf(schema string) (string, bool) {
	_, name, _ := strings.Cut(schema, ".")
	name = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(name, "create"), "Request"), "Fields")
	name = strings.ToLower(name)
	switch name {
	case "vendor", "product", "agency", "license", "termination", "allegation", "communication", "source", "sourceref", "citation", "question", "statement", "alias":
		return name, true
	}
	return "", false
}

// notAcceptable documents the 406 every GET of the API that answers JSON may give (a
// format it cannot give: format=csv on a record, Accept: text/csv alone, an unknown
// format), which the server decides in one place (httpapi's negotiate), here in one
// place too rather than on each handler.
func notAcceptable(v3 *openapi3.T) {
	for path, item := range v3.Paths.Map() {
		if item.Get == nil || !strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/api/v1/export/") {
			continue
		}
		problem := openapi3.NewSchemaRef("#/components/schemas/httpapi.Problem", nil)
		r := openapi3.NewResponse().WithDescription("Not Acceptable: a format this route cannot give (format, or an Accept that asks for CSV only)").
			WithContent(openapi3.NewContentWithSchemaRef(problem, []string{"application/problem+json"}))
		item.Get.Responses.Set("406", &openapi3.ResponseRef{Value: r})
	}
}
