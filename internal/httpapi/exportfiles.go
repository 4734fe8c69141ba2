package httpapi

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// exportFiles keeps each export, once made, as a file of the dataset version it holds,
// and serves it until the version moves: on a news day every journalist pulling the
// licences is served one file instead of each re-reading the database. The version
// is read from the database on every request, as for the response cache, so an
// instance never serves an export older than the data another instance changed. Files live in a private directory of this process, made on first
// use and removed by close (and, should the process die first, by the next process
// to make one): nothing is kept across restarts (a database restored from a backup
// may reuse version numbers for other data).
type exportFiles struct {
	// dir, when set, is the directory to use instead of a private temporary one.
	dir string
	// version reads the current dataset version.
	version func(context.Context) (string, error)

	mu      sync.Mutex
	broken  time.Time                // until then, the directory failed: stream
	made    bool                     // dir exists (or was made)
	temp    bool                     // dir is ours to remove
	lock    *os.File                 // held while dir is ours: see sweepExportDirs
	latest  map[string]exportFile    // the newest finished file of each export
	flights map[string]*exportFlight // makings under way, by export and version asked
}

// exportFile is a finished export.
type exportFile struct {
	path    string
	version int64
}

// exportFlight is one making of an export, which every request that asks for the
// same export at the same version waits for.
type exportFlight struct {
	done chan struct{}
	err  error
}

// exportMaker writes an export and returns the dataset version it holds.
type exportMaker func(context.Context, io.Writer) (int64, error)

// errNoExportDir says the directory cannot be used; the caller streams instead.
var errNoExportDir = errors.New("export directory unavailable")

// errChanged says the data kept changing while an export was being made.
var errChanged = errors.New("the data changed during the export")

// errMoved says the data changed during one making of an export: it is made again.
var errMoved = errors.New("the dataset version moved")

// exportAttempts bounds how often an export is made again because the data changed
// meanwhile (editors publish rarely; an export takes a second or two at most).
const exportAttempts = 3

// brokenFor is how long exports are streamed without trying the directory again
// after it failed (a full disk, say).
const brokenFor = time.Minute

// exportTimeout bounds the making of one export, which no single request's
// cancellation ends: others may be waiting for it.
const exportTimeout = 10 * time.Minute

func newExportFiles(dir string, version func(context.Context) (string, error)) *exportFiles {
	return &exportFiles{dir: dir, version: version, latest: map[string]exportFile{}, flights: map[string]*exportFlight{}}
}

// open returns the export called name holding dataset version want or a later one,
// opened for reading; maker writes it when no such file exists yet.
func (x *exportFiles) open(ctx context.Context, name string, want int64, maker exportMaker) (*os.File, exportFile, error) {
	key := name + "@" + strconv.FormatInt(want, 10)
	x.mu.Lock()
	if f, info, ok, err := x.openLocked(name, want); ok {
		x.mu.Unlock()
		return f, info, err
	}
	if time.Now().Before(x.broken) {
		x.mu.Unlock()
		return nil, exportFile{}, fmt.Errorf("%w: it failed less than %s ago", errNoExportDir, brokenFor)
	}
	flight, ok := x.flights[key]
	if !ok {
		flight = &exportFlight{done: make(chan struct{})}
		x.flights[key] = flight
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), exportTimeout)
			defer cancel()
			flight.err = x.build(ctx, name, maker)
			x.mu.Lock()
			if errors.Is(flight.err, errNoExportDir) {
				x.broken = time.Now().Add(brokenFor) // not a full export's writing per request
			}
			delete(x.flights, key)
			x.mu.Unlock()
			close(flight.done)
		}()
	}
	x.mu.Unlock()
	select {
	case <-flight.done:
	case <-ctx.Done():
		return nil, exportFile{}, ctx.Err()
	}
	if flight.err != nil {
		return nil, exportFile{}, flight.err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	f, info, ok, err := x.openLocked(name, want)
	if !ok {
		return nil, exportFile{}, fmt.Errorf("export %s: made, then gone", name)
	}
	return f, info, err
}

// openLocked opens the latest file of an export if it holds version want or later.
// Files are removed only under the lock, so the one found is still there.
func (x *exportFiles) openLocked(name string, want int64) (*os.File, exportFile, bool, error) {
	latest, ok := x.latest[name]
	if !ok || latest.version < want {
		return nil, exportFile{}, false, nil
	}
	f, err := os.Open(latest.path)
	return f, latest, true, err
}

// build writes an export into a temporary file with maker, and installs it as the
// export's latest file. An export made while the data changed is made again.
func (x *exportFiles) build(ctx context.Context, name string, maker exportMaker) error {
	dir, err := x.directory()
	if err != nil {
		return err
	}
	for range exportAttempts {
		tmp, err := os.CreateTemp(dir, "."+name+".*")
		if err != nil {
			return fmt.Errorf("%w: %v", errNoExportDir, err)
		}
		w := bufio.NewWriterSize(diskWriter{tmp}, 256<<10)
		version, err := maker(ctx, w)
		if err == nil {
			err = w.Flush()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			return x.install(name, tmp.Name(), version)
		}
		os.Remove(tmp.Name())
		if !errors.Is(err, errMoved) {
			return err
		}
	}
	return fmt.Errorf("export %s: %w in each of %d attempts", name, errChanged, exportAttempts)
}

// diskWriter marks the errors of writing a file as the directory's, so that a full
// disk makes exports stream instead of fail.
type diskWriter struct{ f *os.File }

func (w diskWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	if err != nil {
		err = fmt.Errorf("%w: %v", errNoExportDir, err)
	}
	return n, err
}

// install makes a finished temporary file the export's latest, unless a later one
// was installed meanwhile, and removes the file it replaces.
func (x *exportFiles) install(name, tmp string, version int64) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	old, ok := x.latest[name]
	if ok && old.version >= version {
		os.Remove(tmp)
		return nil
	}
	path := filepath.Join(filepath.Dir(tmp), "v"+strconv.FormatInt(version, 10)+"-"+name)
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%w: %v", errNoExportDir, err)
	}
	x.latest[name] = exportFile{path: path, version: version}
	if ok {
		os.Remove(old.path) // a request still sending it holds it open
	}
	return nil
}

// directory returns the directory of the files, making it on first use.
func (x *exportFiles) directory() (string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.made {
		return x.dir, nil
	}
	if x.dir == "" {
		sweepExportDirs(os.TempDir())
		dir, err := os.MkdirTemp("", exportDirPrefix)
		if err != nil {
			return "", fmt.Errorf("%w: %v", errNoExportDir, err)
		}
		lock, err := lockDir(dir)
		if err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("%w: %v", errNoExportDir, err)
		}
		x.dir, x.temp, x.lock = dir, true, lock
	} else if err := os.MkdirAll(x.dir, 0o700); err != nil {
		return "", fmt.Errorf("%w: %v", errNoExportDir, err)
	}
	x.made = true
	return x.dir, nil
}

// exportDirPrefix names the private directories of exports under $TMPDIR.
const exportDirPrefix = "registry-exports-"

// lockDir holds a lock on a directory of exports for as long as its process lives
// (the kernel releases it when the process ends, however it ends).
func lockDir(dir string) (*os.File, error) {
	// Locked under another name, then renamed: no sweeper ever finds the lock file
	// of a live process unlocked.
	f, err := os.OpenFile(filepath.Join(dir, ".lock-new"), os.O_CREATE|os.O_RDWR|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, ".lock"))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// sweepExportDirs removes the directories of exports that processes which ended
// without closing (a crash, a kill) left under tmp: those whose lock nobody holds.
// A directory still being set up has no lock file yet and is left alone.
func sweepExportDirs(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, exportDirPrefix+"*"))
	for _, dir := range dirs {
		f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.RemoveAll(dir) // its process is gone
		}
		f.Close()
	}
}

// close removes the files, and the directory when it is ours.
func (x *exportFiles) close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	var errs []error
	for name, f := range x.latest {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
		delete(x.latest, name)
	}
	if x.temp {
		errs = append(errs, os.RemoveAll(x.dir), x.lock.Close())
		x.made, x.temp, x.dir, x.lock = false, false, "", nil
	}
	return errors.Join(errs...)
}

// consistent runs write between two reads of the dataset version, and returns the
// version the written data holds: when both reads agree, no public change was
// committed while it read.
func (x *exportFiles) consistent(ctx context.Context, w io.Writer, write func(context.Context, io.Writer) error) (int64, error) {
	before, err := x.currentVersion(ctx)
	if err != nil {
		return 0, err
	}
	if err := write(ctx, w); err != nil {
		return 0, err
	}
	after, err := x.currentVersion(ctx)
	if err != nil {
		return 0, err
	}
	if after != before {
		return 0, errMoved
	}
	return before, nil
}

func (x *exportFiles) currentVersion(ctx context.Context) (int64, error) {
	v, err := x.version(ctx)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// gzipped returns a maker of the gzip form of an export: the export's file,
// compressed once per version for every client that asks for gzip.
func (x *exportFiles) gzipped(name string, want int64, maker exportMaker) exportMaker {
	return func(ctx context.Context, w io.Writer) (int64, error) {
		plain, file, err := x.open(ctx, name, want, maker)
		if err != nil {
			return 0, err
		}
		defer plain.Close()
		zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if err != nil {
			return 0, err
		}
		if _, err := io.Copy(zw, plain); err != nil {
			return 0, err
		}
		return file.version, zw.Close()
	}
}
