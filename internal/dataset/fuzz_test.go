package dataset_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/export-registry/registry/internal/dataset"
)

// FuzzRead reads arbitrary vendors.ndjson and licenses.ndjson files, the two
// collections with the most nested fields. An import file comes from outside, so
// Read must refuse it with a file and line or return records that marshal again.
func FuzzRead(f *testing.F) {
	// The bundled records are the valid seeds the fuzzer mutates into near misses.
	vendor, err := fs.ReadFile(dataset.Bundled(), "vendors.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	license, err := fs.ReadFile(dataset.Bundled(), "licenses.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(vendor, license)
	f.Add(vendor[:len(vendor)/2], license)
	f.Add(vendor, license[:len(license)/2])
	for _, s := range []string{
		``, "\n\n", `{}`, `{"id":"1","slug":"a","name":"A"}` + "\n" + `{"id":"2","slug":"b","name":"B"}`,
		`{"id":"1","id":"2"}`, `{"id":null,"aliases":null}`, `{"id":"1"} {"id":"2"}`, `{"id":"1"}` + "\n" + `{"id":`,
		`{"revision":1e309}`, `{"revision":99999999999999999999}`, `{"id":1}`, `{"unknown":true}`,
		"{\"name\":\"\x00\x1f\"}", "{\"name\":\"\xff\"}", `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"slug":"..%2f..%2fetc%2fpasswd"}`, `{"name":"x'); DROP TABLE vendors;--"}`, "\xef\xbb\xbf{}", "\r\n{}\r\n",
	} {
		f.Add([]byte(s), []byte(s))
	}
	f.Fuzz(func(t *testing.T, vendors, licenses []byte) {
		dir := fstest.MapFS{
			"vendors.ndjson":  {Data: vendors},
			"licenses.ndjson": {Data: licenses},
		}
		b, lines, err := dataset.Read(dir)
		if err != nil {
			// A MapFS never fails to read, so every error is about the content.
			var le *dataset.LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v (%T) is not a *dataset.LineError", err, err)
			}
			if le.Line < 1 || (le.File != "vendors.ndjson" && le.File != "licenses.ndjson") {
				t.Fatalf("error %v names file %q line %d", err, le.File, le.Line)
			}
			return
		}
		if len(lines["vendors"]) != len(b.Vendors) || len(lines["licenses"]) != len(b.Licenses) {
			t.Fatalf("%d vendors on %d lines, %d licences on %d lines", len(b.Vendors), len(lines["vendors"]), len(b.Licenses), len(lines["licenses"]))
		}
		for _, ls := range lines {
			for i, n := range ls {
				if n < 1 || (i > 0 && n <= ls[i-1]) {
					t.Fatalf("line numbers %v are not increasing from 1", ls)
				}
			}
		}
		for _, v := range b.Vendors {
			requireMarshals(t, v)
		}
		for _, l := range b.Licenses {
			requireMarshals(t, l)
		}
	})
}

// requireMarshals checks that a record read from a file marshals to JSON, as an
// export of it would. (A strict re-read is not asked for: an id a file leaves out is
// the zero ID, which marshals as "0" and is no id until the store assigns one.)
func requireMarshals(t *testing.T, rec any) {
	t.Helper()
	out, err := json.Marshal(rec)
	if err != nil {
		t.Fatalf("record %+v does not marshal: %v", rec, err)
	}
	if !json.Valid(out) {
		t.Fatalf("record marshals to invalid JSON %s", out)
	}
}
