package httpapi

import (
	"encoding/base64"
	"strings"

	"github.com/export-registry/registry/internal/domain"
)

// A list's cursor names its list: the store's position, prefixed with the route it
// came from, so that a cursor from /licenses given to /sources is a 400 naming the
// cursor instead of a page that silently skips records (the store's positions are
// ids, which every collection has).
const cursorPrefix = "l1:"

// bindCursor returns the cursor the client gets for a page of the list at route.
func bindCursor(route, position string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + listName(route) + ":" + position))
}

// unbindCursor returns the store's position in a cursor given to the list at route
// ("" for none), refusing a cursor of another list.
func unbindCursor(route, cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if err != nil || !ok {
		return "", domain.Invalid("cursor", "not a cursor this registry issued")
	}
	list, position, ok := strings.Cut(rest, ":")
	if !ok || position == "" {
		return "", domain.Invalid("cursor", "not a cursor this registry issued")
	}
	if list != listName(route) {
		return "", domain.Invalid("cursor", "a cursor of /api/v1/"+list+", not of this list: pass it to the list it came from")
	}
	return position, nil
}

// listName is the collection a list route serves ("/api/v1/licenses": "licenses").
func listName(route string) string {
	return route[strings.LastIndexByte(route, '/')+1:]
}
