// Package dataset reads and writes the registry's exchange format (one NDJSON file per
// collection, each line a record in the API's shape) and holds the bundled sourced
// dataset, which is loaded by the same code as any import.
package dataset

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// bundled is the registry's sourced dataset: every record cites public sources; see
// data/README.md for what each encodes and what it leaves unknown.
//
//go:embed data/*.ndjson
var bundled embed.FS

// Bundled returns the bundled sourced dataset as a directory of NDJSON files.
func Bundled() fs.FS {
	sub, err := fs.Sub(bundled, "data")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// maxLine bounds one record's line, so a corrupt file cannot exhaust memory.
const maxLine = 4 << 20

// LineError locates a problem in an import file.
type LineError struct {
	File  string
	Line  int
	Field string
	Err   error
}

// Error implements the error interface.
func (e *LineError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Field, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// Read reads every collection's file from dir (COLLECTION.ndjson; a missing file is
// an empty collection) into a batch, with each record's line kept for errors.
func Read(dir fs.FS) (store.Batch, Lines, error) {
	var b store.Batch
	lines := Lines{}
	steps := []func() error{
		func() (err error) { lines["sources"], err = readFile(dir, "sources.ndjson", &b.Sources); return err },
		func() (err error) { lines["vendors"], err = readFile(dir, "vendors.ndjson", &b.Vendors); return err },
		func() (err error) { lines["products"], err = readFile(dir, "products.ndjson", &b.Products); return err },
		func() (err error) { lines["agencies"], err = readFile(dir, "agencies.ndjson", &b.Agencies); return err },
		func() (err error) { lines["licenses"], err = readFile(dir, "licenses.ndjson", &b.Licenses); return err },
		func() (err error) {
			lines["terminations"], err = readFile(dir, "terminations.ndjson", &b.Terminations)
			return err
		},
		func() (err error) {
			lines["allegations"], err = readFile(dir, "allegations.ndjson", &b.Allegations)
			return err
		},
		func() (err error) {
			lines["communications"], err = readFile(dir, "communications.ndjson", &b.Communications)
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return store.Batch{}, nil, err
		}
	}
	return b, lines, nil
}

// Lines maps each collection to the file line of each of its records.
type Lines map[string][]int

// Locate turns a store import error into one naming the file and line.
func (l Lines) Locate(err error) error {
	var ie *store.ImportError
	if !errors.As(err, &ie) {
		return err
	}
	line := 0
	if ie.Index < len(l[ie.Collection]) {
		line = l[ie.Collection][ie.Index]
	}
	field := ""
	for f := range domain.ErrorFields(ie.Err) {
		if field == "" || f < field {
			field = f
		}
	}
	return &LineError{File: ie.Collection + ".ndjson", Line: line, Field: field, Err: ie.Err}
}

// readFile decodes an NDJSON file into *[]T, refusing unknown fields, and returns the
// line number of each record. Blank lines are skipped.
func readFile[T any](dir fs.FS, name string, dst *[]T) ([]int, error) {
	f, err := dir.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeLines(f, name, dst)
}

func decodeLines[T any](r io.Reader, name string, dst *[]T) ([]int, error) {
	var lines []int
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var rec T
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, &LineError{File: name, Line: n, Err: jsonProblem(err)}
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, &LineError{File: name, Line: n, Err: errors.New("data after the record on the line")}
		}
		*dst = append(*dst, rec)
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, &LineError{File: name, Line: n + 1, Err: err}
	}
	return lines, nil
}

// jsonProblem rewords a JSON decoding error without Go type names.
func jsonProblem(err error) error {
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		return fmt.Errorf("field %q has the wrong type (%s)", te.Field, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the JSON value is cut short")
	}
	return err
}

// Load imports a directory of NDJSON files into the store, all or nothing.
func Load(ctx context.Context, st *store.Store, dir fs.FS) (store.ImportCounts, error) {
	b, lines, err := Read(dir)
	if err != nil {
		return nil, err
	}
	counts, err := st.Import(ctx, b)
	return counts, lines.Locate(err)
}

// LoadPath imports the export format from a directory (COLLECTION.ndjson files) or a
// single COLLECTION.ndjson file, all or nothing. read, when set, is told how many
// records were read before the import starts.
func LoadPath(ctx context.Context, st *store.Store, path string, opts store.ImportOptions, read func(total int)) (store.ImportCounts, error) {
	b, lines, err := ReadPath(path)
	if err != nil {
		return nil, err
	}
	if read != nil {
		read(Count(b))
	}
	counts, err := st.ImportWith(ctx, b, opts)
	return counts, lines.Locate(err)
}

// ReadPath reads a directory of the export format, or one COLLECTION.ndjson file,
// into a batch, with each record's line kept for errors (Lines.Locate).
func ReadPath(path string) (store.Batch, Lines, error) {
	info, err := os.Stat(path)
	if err != nil {
		return store.Batch{}, nil, err
	}
	var dir fs.FS
	if info.IsDir() {
		dir = os.DirFS(path)
	} else {
		name := filepath.Base(path)
		collection, ok := strings.CutSuffix(name, ".ndjson")
		if !ok || !slices.Contains(store.Collections, collection) {
			return store.Batch{}, nil, fmt.Errorf("%s: a single file must be COLLECTION.ndjson, one of %s", path, strings.Join(store.Collections, ", "))
		}
		dir = os.DirFS(filepath.Dir(path))
		dir = onlyFile{FS: dir, name: name}
	}
	return Read(dir)
}

// Count returns the number of records a batch holds.
func Count(b store.Batch) int {
	return len(b.Sources) + len(b.Vendors) + len(b.Products) + len(b.Agencies) + len(b.Licenses) +
		len(b.Terminations) + len(b.Allegations) + len(b.Communications)
}

// onlyFile shows one file of a directory.
type onlyFile struct {
	fs.FS
	name string
}

// Open opens the one file; every other name does not exist.
func (o onlyFile) Open(name string) (fs.File, error) {
	if name != o.name {
		return nil, fs.ErrNotExist
	}
	return o.FS.Open(name)
}
