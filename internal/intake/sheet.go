package intake

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Options say how to read a file.
type Options struct {
	// Format is csv, xlsx or misp-galaxy; empty: from the file's name or content.
	Format string
	// Collection is what a sheet's rows are (vendors, products…).
	Collection string
	// Mapping maps a sheet's headers to field names; a header it leaves out names its
	// field itself.
	Mapping map[string]string
}

// DetectFormat tells a file's format from its name (or content type) and first bytes.
func DetectFormat(name, contentType string, b []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV
	case ".xlsx":
		return FormatXLSX
	case ".json":
		return FormatMISP
	}
	ct := strings.ToLower(contentType)
	switch {
	case strings.HasPrefix(ct, "text/csv"):
		return FormatCSV
	case strings.HasPrefix(ct, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
		return FormatXLSX
	case strings.HasPrefix(ct, "application/json"):
		return FormatMISP
	}
	switch trimmed := bytes.TrimLeft(b, " \t\r\n\ufeff"); {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return FormatXLSX
	case len(trimmed) > 0 && trimmed[0] == '{':
		return FormatMISP
	}
	return FormatCSV
}

// Read reads a file's records.
func Read(b []byte, opts Options) (File, error) {
	switch opts.Format {
	case FormatCSV, FormatXLSX:
		if opts.Collection == "" {
			return File{}, Problem{Field: "collection", Reason: "say which collection the sheet's rows are (" + strings.Join(CollectionNames(), ", ") + ")"}
		}
		var rows [][]string
		var err error
		if opts.Format == FormatCSV {
			rows, err = readCSV(b)
		} else {
			rows, err = readXLSX(b)
		}
		if err != nil {
			return File{}, err
		}
		return sheet(opts.Format, rows, opts)
	case FormatMISP:
		return readGalaxy(b)
	}
	return File{}, Problem{Field: "format", Reason: fmt.Sprintf("%q is not one of %s, %s, %s", opts.Format, FormatCSV, FormatXLSX, FormatMISP)}
}

// readCSV reads a CSV file (comma-separated, a UTF-8 byte-order mark allowed).
func readCSV(b []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, Problem{Row: pe.StartLine, Reason: "not valid CSV: " + pe.Err.Error()}
			}
			return nil, err
		}
		if len(rows) > MaxRows {
			return nil, Problem{Reason: fmt.Sprintf("more than %d rows: split the file", MaxRows)}
		}
		rows = append(rows, rec)
	}
}

// readXLSX reads the first sheet of a workbook.
func readXLSX(b []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, Problem{Reason: "not an XLSX workbook this service can read: " + err.Error()}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, Problem{Reason: "the workbook has no sheet"}
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, Problem{Reason: "the first sheet cannot be read: " + err.Error()}
	}
	if len(rows) > MaxRows+1 {
		return nil, Problem{Reason: fmt.Sprintf("more than %d rows: split the file", MaxRows)}
	}
	return rows, nil
}

// sheet turns a sheet's rows (the first its header) into records of one collection.
func sheet(format string, rows [][]string, opts Options) (File, error) {
	if len(rows) == 0 {
		return File{}, Problem{Reason: "the file is empty: the first row must name the columns"}
	}
	fields, err := Columns(opts.Collection, rows[0], opts.Mapping)
	if err != nil {
		return File{}, err
	}
	t := Collections[opts.Collection]
	out := File{Format: format}
	for i, rec := range rows[1:] {
		row := Row{Row: i + 2, Collection: opts.Collection, Fields: map[string]json.RawMessage{}, Columns: map[string]string{}, Vendor: -1}
		blank := true
		for j, cell := range rec {
			if strings.TrimSpace(cell) != "" {
				blank = false
			}
			if j >= len(fields) || fields[j] == "" {
				if strings.TrimSpace(cell) != "" && j >= len(fields) {
					return File{}, Problem{Row: i + 2, Reason: fmt.Sprintf("the row has %d cells, the header %d columns", len(rec), len(fields))}
				}
				continue
			}
			ft, _ := fieldType(t, fields[j])
			if v := Cell(ft, cell); string(v) != "null" {
				row.Fields[fields[j]] = v
			}
			row.Columns[fields[j]] = strings.TrimSpace(rows[0][j])
		}
		if blank {
			continue // a blank line between blocks of rows
		}
		for _, k := range []string{"name", "title"} {
			var s string
			if json.Unmarshal(row.Fields[k], &s) == nil && s != "" {
				row.Name = s
				break
			}
		}
		out.Rows = append(out.Rows, row)
	}
	if len(out.Rows) == 0 {
		return File{}, Problem{Reason: "the file has a header but no rows"}
	}
	return out, nil
}
