package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// Manifest describes a snapshot: what it holds, which dataset version, and how to
// cite it.
type Manifest struct {
	Registry       string         `json:"registry"`
	DatasetVersion string         `json:"dataset_version"`
	GeneratedAt    time.Time      `json:"generated_at"`
	Counts         map[string]int `json:"counts"`
	Files          []ManifestFile `json:"files"`
	HowToCite      string         `json:"how_to_cite"`
}

// ManifestFile is one file of a snapshot.
type ManifestFile struct {
	Name       string `json:"name"`
	Collection string `json:"collection"`
	Format     string `json:"format"`
	Records    int    `json:"records"`
	Bytes      int64  `json:"bytes"`
	SHA256     string `json:"sha256"`
}

// ExportCollections are the collections a snapshot holds, in import order.
var ExportCollections = append([]string{}, store.Collections...)

// Export writes a snapshot of the public records to dir: COLLECTION.ndjson and
// COLLECTION.csv for each collection, read in one consistent state of the database,
// and manifest.json. progress, when set, is told the number of records written so far.
func Export(ctx context.Context, st *store.Store, dir string, progress func(int)) (Manifest, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Manifest{}, err
	}
	m := Manifest{Registry: "Surveillance Export Registry", GeneratedAt: time.Now().UTC().Truncate(time.Second), Counts: map[string]int{}}
	total := 0
	err := st.Snapshot(ctx, func(ts *store.Store) error {
		v, err := ts.DatasetVersion(ctx)
		if err != nil {
			return err
		}
		m.DatasetVersion = v
		step := func(n int) {
			total += n
			if progress != nil {
				progress(total)
			}
		}
		names, err := ts.PublicNames(ctx, nil)
		if err != nil {
			return err
		}
		for _, name := range ExportCollections {
			files, err := exporters[name](ctx, ts, dir, names, step)
			if err != nil {
				return fmt.Errorf("export %s: %w", name, err)
			}
			m.Counts[name] = files[0].Records
			m.Files = append(m.Files, files...)
		}
		return nil
	})
	if err != nil {
		return Manifest{}, err
	}
	m.HowToCite = fmt.Sprintf("Surveillance Export Registry, dataset version %s (snapshot of %s). Each record cites its own sources; cite them with the record.",
		m.DatasetVersion, m.GeneratedAt.Format("2 January 2006"))
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	return m, os.WriteFile(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o644)
}

// exporter writes one collection as NDJSON and CSV.
type exporter func(ctx context.Context, s *store.Store, dir string, names Names, progress func(int)) ([]ManifestFile, error)

var exporters = map[string]exporter{
	"sources": func(ctx context.Context, s *store.Store, d string, n Names, p func(int)) ([]ManifestFile, error) {
		return exportOne(ctx, d, "sources", s.ListSources, n, p)
	},
	"vendors": func(ctx context.Context, s *store.Store, d string, n Names, p func(int)) ([]ManifestFile, error) {
		return exportOne(ctx, d, "vendors", s.ListVendors, n, p)
	},
	"products": func(ctx context.Context, s *store.Store, d string, n Names, p func(int)) ([]ManifestFile, error) {
		return exportOne(ctx, d, "products", s.ListProducts, n, p)
	},
	"agencies": func(ctx context.Context, s *store.Store, d string, n Names, p func(int)) ([]ManifestFile, error) {
		return exportOne(ctx, d, "agencies", s.ListAgencies, n, p)
	},
	"licenses": func(ctx context.Context, s *store.Store, d string, n Names, p func(int)) ([]ManifestFile, error) {
		return exportOne(ctx, d, "licenses", s.ListLicenses, n, p)
	},
	"terminations": func(ctx context.Context, s *store.Store, d string, n Names, p func(int)) ([]ManifestFile, error) {
		return exportOne(ctx, d, "terminations", s.ListTerminations, n, p)
	},
	"allegations": func(ctx context.Context, s *store.Store, d string, n Names, p func(int)) ([]ManifestFile, error) {
		return exportOne(ctx, d, "allegations", s.ListAllegations, n, p)
	},
	"communications": func(ctx context.Context, s *store.Store, d string, n Names, p func(int)) ([]ManifestFile, error) {
		return exportOne(ctx, d, "communications", s.ListCommunications, n, p)
	},
}

// exportOne pages through a collection's public records, writing both files.
func exportOne[T any](ctx context.Context, dir, name string, fetch func(context.Context, store.ListParams) ([]T, string, error), names Names, progress func(int)) ([]ManifestFile, error) {
	nd, err := newHashedFile(filepath.Join(dir, name+".ndjson"))
	if err != nil {
		return nil, err
	}
	defer nd.f.Close()
	cf, err := newHashedFile(filepath.Join(dir, name+".csv"))
	if err != nil {
		return nil, err
	}
	defer cf.f.Close()
	csvEnc, err := NewCSVEncoder[T](cf, names)
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(nd)
	enc.SetEscapeHTML(false)
	p := store.ListParams{Statuses: domain.PublicStatuses, Limit: store.MaxLimit}
	n := 0
	for {
		rows, next, err := fetch(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return nil, err
			}
		}
		if err := csvEnc.Write(rows); err != nil {
			return nil, err
		}
		n += len(rows)
		progress(len(rows))
		if next == "" {
			break
		}
		if p.After, err = store.DecodeCursor(next); err != nil {
			return nil, err
		}
	}
	var files []ManifestFile
	for _, h := range []struct {
		f      *hashedFile
		format string
	}{{nd, "ndjson"}, {cf, "csv"}} {
		if err := h.f.f.Sync(); err != nil {
			return nil, err
		}
		files = append(files, ManifestFile{Name: name + "." + h.format, Collection: name, Format: h.format, Records: n, Bytes: h.f.n, SHA256: hex.EncodeToString(h.f.h.Sum(nil))})
	}
	return files, nil
}

// hashedFile is a file that hashes and counts what is written to it.
type hashedFile struct {
	f *os.File
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
	n int64
}

func newHashedFile(path string) (*hashedFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &hashedFile{f: f, h: sha256.New()}, nil
}

// Write writes to the file and the hash.
func (hf *hashedFile) Write(b []byte) (int, error) {
	n, err := hf.f.Write(b)
	hf.h.Write(b[:n])
	hf.n += int64(n)
	return n, err
}
