package httpapi

import (
	"context"
	"log/slog"

	"github.com/export-registry/registry/internal/store"
)

// documentBatch is how many licence documents the keeper renders and writes at a
// time: a short write transaction, so a staff write never waits long behind it.
const documentBatch = 256

// documentKeeper fills the stale licence documents (store/licensedocs.go) in the
// background: once when the server starts (a new build renders every document
// again), then whenever a list found stale documents and rendered them on the spot.
type documentKeeper struct {
	wakeup chan struct{}
	stop   context.CancelFunc
	done   chan struct{}
}

func startDocumentKeeper(st *store.Store, log *slog.Logger, m *metrics) *documentKeeper {
	ctx, stop := context.WithCancel(context.Background())
	k := &documentKeeper{wakeup: make(chan struct{}, 1), stop: stop, done: make(chan struct{})}
	m.documentsFilling.Set(1) // until the first fill has caught up
	k.wake()
	go func() {
		defer close(k.done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-k.wakeup:
			}
			m.documentsFilling.Set(1)
			for {
				n, err := st.FillLicenseDocuments(ctx, documentBatch)
				if ctx.Err() != nil {
					return
				}
				m.documentsChecked.Add(float64(n))
				if err != nil {
					// Lists stay right without the documents (they render stale
					// ones), only slower; the next list that finds one wakes the
					// keeper again.
					log.Error("licence documents not filled", "error", err)
				}
				if err != nil || n == 0 {
					break
				}
			}
			m.documentsFilling.Set(0)
		}
	}()
	return k
}

// wake asks the keeper to fill the stale documents; it never blocks.
func (k *documentKeeper) wake() {
	select {
	case k.wakeup <- struct{}{}:
	default:
	}
}

// close stops the keeper and waits for it.
func (k *documentKeeper) close() {
	k.stop()
	<-k.done
}
