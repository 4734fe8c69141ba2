// Command gencountries extracts the other names of the countries (official names,
// common names, other spellings such as "UK", "Holland" or "Ivory Coast") from the
// world-countries npm package (mledoze/countries, ODbL 1.0) into
// internal/domain/countrynames.json, which the registry embeds for search and for
// suggesting a code when a country filter is refused. It runs by hand (`make
// countries`) when the names are to be updated; nothing is fetched at run time.
//
//	cd /tmp && npm pack world-countries@5.1.0
//	go run ./internal/domain/gencountries -in /tmp/world-countries-5.1.0.tgz -out internal/domain/countrynames.json
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/export-registry/registry/internal/domain"
)

// record is the part of a world-countries entry this command reads.
type record struct {
	CCA2 string `json:"cca2"`
	Name struct {
		Common   string `json:"common"`
		Official string `json:"official"`
	} `json:"name"`
	AltSpellings []string `json:"altSpellings"`
}

func main() {
	in := flag.String("in", "", "the world-countries npm tarball")
	out := flag.String("out", "internal/domain/countrynames.json", "where to write the names")
	version := flag.String("version", "5.1.0", "the package version, recorded in the output")
	flag.Parse()
	if err := run(*in, *out, *version); err != nil {
		fmt.Fprintln(os.Stderr, "gencountries:", err)
		os.Exit(1)
	}
}

func run(in, out, version string) error {
	records, err := read(in)
	if err != nil {
		return err
	}
	file := domain.CountryNamesFile{
		Source:  "world-countries " + version + " (https://github.com/mledoze/countries), name.official, name.common and altSpellings",
		Licence: "Open Database License (ODbL) 1.0, https://opendatacommons.org/licenses/odbl/1-0/; this file is a derived database under the same licence",
	}
	for _, r := range records {
		code := strings.ToUpper(r.CCA2)
		if !domain.ValidCountry(code) {
			continue
		}
		short := domain.CountryName(code)
		seen := map[string]bool{strings.ToLower(code): true, strings.ToLower(short): true}
		var other []string
		add := func(s string) {
			s = strings.TrimSpace(s)
			if s == "" || len(s) > 120 || seen[strings.ToLower(s)] {
				return
			}
			seen[strings.ToLower(s)] = true
			other = append(other, s)
		}
		official := strings.TrimSpace(r.Name.Official)
		seen[strings.ToLower(official)] = true
		add(r.Name.Common)
		for _, a := range r.AltSpellings {
			add(a)
		}
		file.Countries = append(file.Countries, domain.CountryNames{Code: code, Official: official, Other: other})
	}
	slices.SortFunc(file.Countries, func(a, b domain.CountryNames) int { return strings.Compare(a.Code, b.Code) })
	b, err := json.MarshalIndent(file, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// read returns countries.json from the package tarball.
func read(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s holds no package/countries.json", path)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == "package/countries.json" {
			var rs []record
			return rs, json.NewDecoder(tr).Decode(&rs)
		}
	}
}
