// Package oapiclient checks that the registry's OpenAPI contract (api/openapi.yaml)
// makes a good client: oapi-codegen, pinned by this module's go.mod (a module of its
// own, so that its dependencies stay out of the registry's), generates a Go client
// from it that compiles and has one method per operation, named by its operationId.
//
//	cd internal/tools/oapiclient && go test ./...
package oapiclient
