package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// The dataset version is read from the database on every public request (the
// response cache is keyed by it, and another instance may have changed the data), so
// it is the one query of a cached answer. Requests that arrive together share a read:
// a request joins the next read to start, never one already running, so whatever it
// is given was read after it arrived and reflects every change committed before.
// Under load this turns one read per request into one per round trip of the
// database; alone, a request reads in its own goroutine as before.

// versionReads coalesces reads of a value that must be fresh: each caller gets a
// read that began after it called.
type versionReads struct {
	read func(context.Context) (string, error)

	mu      sync.Mutex
	running bool         // a read is under way
	next    *versionRead // the read that starts when the running one ends; callers join it
}

// versionTimeout bounds a read of the version: every public request waits on the
// one under way, so a stuck connection must not hold them all.
const versionTimeout = 5 * time.Second

// versionRead is one shared read.
type versionRead struct {
	done    chan struct{}
	version string
	err     error
}

// DatasetVersion identifies the public state of the registry: the id of the latest
// public change. It moves whenever any public record changes, and only then.
func (s *Store) DatasetVersion(ctx context.Context) (string, error) {
	if s.versions == nil {
		// A transaction's store: the version is what the transaction sees.
		rows, err := s.client.QueryContext(ctx, versionQuery)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		return scanVersion(rows)
	}
	return s.versions.get(ctx)
}

// get returns a value read after the call began.
func (r *versionReads) get(ctx context.Context) (string, error) {
	r.mu.Lock()
	if !r.running {
		// Nobody is reading: read now, in this goroutine.
		r.running = true
		r.mu.Unlock()
		defer r.done()
		ctx, cancel := context.WithTimeout(ctx, versionTimeout)
		defer cancel()
		return r.read(ctx)
	}
	if r.next == nil {
		r.next = &versionRead{done: make(chan struct{})}
	}
	call := r.next
	r.mu.Unlock()
	select {
	case <-call.done:
		return call.version, call.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// done ends a read, and starts the one callers joined meanwhile.
func (r *versionReads) done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	call := r.next
	if call == nil {
		r.running = false
		return
	}
	r.next = nil
	go func() {
		// Shared by many callers, so no one caller's cancellation ends it.
		defer r.done()
		defer close(call.done)
		defer func() {
			// No request is there to recover a panic here: it fails the read instead
			// of the process.
			if p := recover(); p != nil {
				call.version, call.err = "", fmt.Errorf("dataset version: %v", p)
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
		defer cancel()
		call.version, call.err = r.read(ctx)
	}()
}

// versionQuery reads the dataset version; TRUE is a boolean in PostgreSQL and 1 in
// SQLite, and both use the index on public.
const versionQuery = "SELECT COALESCE(MAX(id), 0) FROM revisions WHERE public = TRUE"

// readVersion runs the version query, prepared once (on first use: a store is
// opened before it is migrated).
func (s *Store) readVersion(ctx context.Context) (string, error) {
	stmt, err := s.versionStmt(ctx)
	if err != nil {
		return "", err
	}
	rows, err := stmt.QueryContext(ctx)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	return scanVersion(rows)
}

// scanVersion reads the version query's answer.
func scanVersion(rows *sql.Rows) (string, error) {
	var v int64
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", err
		}
		return "", sql.ErrNoRows
	}
	if err := rows.Scan(&v); err != nil {
		return "", err
	}
	return strconv.FormatInt(v, 10), rows.Close()
}

// versionStmt returns the prepared version query.
func (s *Store) versionStmt(ctx context.Context) (*sql.Stmt, error) {
	s.prepared.Lock()
	defer s.prepared.Unlock()
	if s.versionStatement != nil {
		return s.versionStatement, nil
	}
	stmt, err := s.db.PrepareContext(ctx, versionQuery)
	if err != nil {
		return nil, err
	}
	s.versionStatement = stmt
	return stmt, nil
}
