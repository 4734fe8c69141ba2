// Package ent is the registry's generated data model; only schema/ is written by hand.
package ent

//go:generate go run entgo.io/ent/cmd/ent generate --feature privacy,sql/versioned-migration,sql/upsert,sql/execquery,sql/modifier,sql/lock ./schema
