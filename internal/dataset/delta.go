package dataset

import (
	"context"
	"encoding/json"
	"io"

	"github.com/export-registry/registry/internal/store"
)

// WriteDelta writes the delta between dataset versions from and to (see
// store.Delta) in OpenSanctions' delta format: one operation a line,
// {"op": "ADD"|"MOD"|"DEL", "record_type": …, "entity": record}, the record in the
// API's shape as it is public at to. Both must be versions (store.IsVersion), from
// no later than to; from == to is an empty delta.
func WriteDelta(ctx context.Context, st *store.Store, out io.Writer, from, to int64) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return st.Delta(ctx, from, to, func(op store.DeltaOp) error { return enc.Encode(op) })
}
