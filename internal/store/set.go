package store

import "github.com/export-registry/registry/internal/domain"

// What every collection's set function shares. Each collection's set function (in
// its file: setVendor, setLicense…) writes the fields staff may write onto a create
// or update mutation, the one place a record's editable fields meet its columns. A
// nil value clears the column (unknown); enum defaults stand for an empty value.

// opt sets an optional value, or clears the column when it is nil.
func opt[T any](v *T, set func(T), clear func()) {
	if v != nil {
		set(*v)
	} else {
		clear()
	}
}

// optList sets a list, or clears the column (unknown) when it is nil.
func optList[T any](v []T, set func([]T), clear func()) {
	if v != nil {
		set(v)
	} else {
		clear()
	}
}

// normalizeEntries brings control-list entries to the stored EU notation.
func normalizeEntries(entries []string) ([]string, error) {
	if entries == nil {
		return nil, nil
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		n, err := domain.NormalizeControlListEntry(e)
		if err != nil {
			return nil, domain.Invalid("control_list_entries", err.Error())
		}
		out[i] = n
	}
	return out, nil
}

// enumOf converts an optional string to an optional ent enum.
func enumOf[E ~string](s *string) *E {
	if s == nil {
		return nil
	}
	e := E(*s)
	return &e
}

// intPtr converts an optional public id to an optional database id.
func intPtr(id *domain.ID) *int {
	if id == nil {
		return nil
	}
	n := int(*id)
	return &n
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
