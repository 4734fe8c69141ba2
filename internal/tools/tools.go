//go:build tools

// Package tools pins the versions of the code generators the build runs through
// `go run`, so a fresh machine needs nothing installed by hand.
package tools

import (
	_ "entgo.io/ent/cmd/ent"
	_ "github.com/swaggo/swag/cmd/swag"
)
