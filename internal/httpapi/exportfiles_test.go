package httpapi

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/store"
)

// TestExportMadeWhileDataChanges: an export during which the dataset version moved
// is thrown away and made again; one that never holds still is refused, never kept.
func TestExportMadeWhileDataChanges(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes int // version moves during the first this many makings
		wantErr error
		want    int64
	}{
		{"still", 0, nil, 10},
		{"changed once", 1, nil, 11},
		{"never still", exportAttempts, errChanged, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var version, makings atomic.Int64
			version.Store(10)
			x := newExportFiles(t.TempDir(), func(context.Context) (string, error) {
				return strconv.FormatInt(version.Load(), 10), nil
			})
			defer x.close()
			maker := func(ctx context.Context, w io.Writer) (int64, error) {
				return x.consistent(ctx, w, func(_ context.Context, w io.Writer) error {
					n := makings.Add(1)
					_, err := io.WriteString(w, "version "+strconv.FormatInt(version.Load(), 10)+"\n")
					if n <= int64(tc.changes) {
						version.Add(1) // a change is committed while the export reads
					}
					return err
				})
			}
			f, got, err := x.open(context.Background(), "licenses.ndjson", 10, maker)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				if entries, _ := os.ReadDir(x.dir); len(entries) != 0 {
					t.Errorf("a refused export left %d files", len(entries))
				}
				return
			}
			defer f.Close()
			body, _ := io.ReadAll(f)
			if got.version != tc.want || string(body) != "version "+strconv.FormatInt(tc.want, 10)+"\n" {
				t.Errorf("kept version %d holding %q, want version %d", got.version, body, tc.want)
			}
		})
	}
}

// TestDiskErrorsAreTheDirectorys: a failed write of an export file is reported as the
// directory failing, which makes the handler stream the export instead.
func TestDiskErrorsAreTheDirectorys(t *testing.T) {
	path := t.TempDir() + "/f"
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path) // read-only: every write fails, as on a full disk
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := (diskWriter{f}).Write([]byte("x")); !errors.Is(err, errNoExportDir) {
		t.Errorf("write error %v, want one marked errNoExportDir", err)
	}
}

// TestExportReadersStopWhenCancelled: an export cancelled mid-way (its client gone,
// its disk full) ends its readers, whatever range they were at.
func TestExportReadersStopWhenCancelled(t *testing.T) {
	fetch := func(ctx context.Context, p store.ListParams) ([]int, string, error) {
		return []int{p.After + 1}, "", nil
	}
	for range 500 {
		ctx, cancel := context.WithCancel(context.Background())
		pages := make(chan exportPage[int])
		done := make(chan struct{})
		go func() { readPages(ctx, 20*exportSpan, fetch, pages); close(done) }()
		<-pages
		cancel()
		go func() {
			for range pages { // drained until closed
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the readers of a cancelled export did not stop")
		}
	}
}

// TestGzipExportOfChangingData: the gzip form of an export whose data never holds
// still gives up after the export's own attempts, without making it again per try.
func TestGzipExportOfChangingData(t *testing.T) {
	var version, makings atomic.Int64
	x := newExportFiles(t.TempDir(), func(context.Context) (string, error) {
		return strconv.FormatInt(version.Add(1), 10), nil // moves at every read
	})
	defer x.close()
	plain := func(ctx context.Context, w io.Writer) (int64, error) {
		return x.consistent(ctx, w, func(context.Context, io.Writer) error { makings.Add(1); return nil })
	}
	if _, _, err := x.open(context.Background(), "sources.ndjson.gz", 1, x.gzipped("sources.ndjson", 1, plain)); !errors.Is(err, errChanged) {
		t.Fatalf("err %v, want errChanged", err)
	}
	if n := makings.Load(); n != exportAttempts {
		t.Errorf("%d makings of the export, want %d", n, exportAttempts)
	}
}

// TestSweepExportDirs: the next process removes the export directories of processes
// that died without removing them, and leaves those of live ones.
func TestSweepExportDirs(t *testing.T) {
	tmp := t.TempDir()
	dead := filepath.Join(tmp, exportDirPrefix+"dead")
	if err := os.MkdirAll(dead, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".lock", "v3-licenses.ndjson"} {
		if err := os.WriteFile(filepath.Join(dead, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	live, err := os.MkdirTemp(tmp, exportDirPrefix)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := lockDir(live)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	settingUp := filepath.Join(tmp, exportDirPrefix+"new") // no lock file yet
	if err := os.MkdirAll(settingUp, 0o700); err != nil {
		t.Fatal(err)
	}

	sweepExportDirs(tmp)
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the directory of a dead process is still there: %v", err)
	}
	for _, dir := range []string{live, settingUp} {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s was removed: %v", dir, err)
		}
	}
}
