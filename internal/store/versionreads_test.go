package store

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestVersionReadsShareOnlyLaterReads pins the coalescing: callers that arrive while a
// read is running share the next read, never the running one (it began before them
// and may miss a change they saw committed).
func TestVersionReadsShareOnlyLaterReads(t *testing.T) {
	var mu sync.Mutex
	reads := 0
	started := make(chan int, 10)
	release := make(chan struct{})
	r := &versionReads{read: func(context.Context) (string, error) {
		mu.Lock()
		reads++
		n := reads
		mu.Unlock()
		started <- n
		<-release
		return strconv.Itoa(n), nil
	}}

	first := make(chan string)
	go func() { v, _ := r.get(context.Background()); first <- v }()
	if n := <-started; n != 1 {
		t.Fatalf("read %d started first", n)
	}
	// Three callers arrive while read 1 runs.
	later := make(chan string, 3)
	for range 3 {
		go func() { v, _ := r.get(context.Background()); later <- v }()
	}
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.next != nil })
	time.Sleep(10 * time.Millisecond) // let all three join
	release <- struct{}{}             // read 1 ends
	if v := <-first; v != "1" {
		t.Errorf("the first caller got %s, want 1", v)
	}
	if n := <-started; n != 2 {
		t.Fatalf("read %d started second", n)
	}
	release <- struct{}{} // read 2 ends
	for range 3 {
		if v := <-later; v != "2" {
			t.Errorf("a caller that arrived during read 1 got %s, want 2 (a read begun after it)", v)
		}
	}
	if reads != 2 {
		t.Errorf("%d reads for four callers, want 2", reads)
	}
	select {
	case n := <-started:
		t.Errorf("an extra read %d ran", n)
	default:
	}

	// A waiting caller whose context ends stops waiting; the shared read goes on.
	go func() { r.get(context.Background()) }()
	<-started // read 3 runs
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { _, err := r.get(ctx); errc <- err }()
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.next != nil })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled waiter got %v", err)
	}
	release <- struct{}{} // read 3 ends; read 4, which nobody waits for now, still runs
	<-started
	release <- struct{}{}
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return !r.running })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// TestVersionReadsSurviveAPanic: a read that panics (recovered by the server, as a
// request's panic is) leaves the next caller free to read.
func TestVersionReadsSurviveAPanic(t *testing.T) {
	fail := true
	r := &versionReads{read: func(context.Context) (string, error) {
		if fail {
			panic("driver bug")
		}
		return "7", nil
	}}
	func() {
		defer func() { _ = recover() }()
		r.get(context.Background())
	}()
	fail = false
	done := make(chan string)
	go func() { v, _ := r.get(context.Background()); done <- v }()
	select {
	case v := <-done:
		if v != "7" {
			t.Errorf("got %q after a panicked read, want 7", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a panicked read left every later caller waiting")
	}
}

// TestSharedVersionReadPanic: a shared read that panics fails the requests waiting
// for it, not the process, and leaves the next read free.
func TestSharedVersionReadPanic(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	r := &versionReads{read: func(context.Context) (string, error) {
		switch calls.Add(1) {
		case 1:
			<-release
			return "1", nil
		case 2:
			panic("driver bug")
		}
		return "3", nil
	}}
	go r.get(context.Background()) // read 1 runs
	waitFor(t, func() bool { return calls.Load() == 1 })
	errc := make(chan error)
	go func() { _, err := r.get(context.Background()); errc <- err }() // joins read 2
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.next != nil })
	close(release)
	if err := <-errc; err == nil {
		t.Error("a caller of a read that panicked got no error")
	}
	if v, err := r.get(context.Background()); v != "3" || err != nil {
		t.Errorf("after the panic: %q, %v", v, err)
	}
}
