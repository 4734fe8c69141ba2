# The registry's tasks. A fresh machine needs only Go: generators run through
# `go run` at the versions go.mod pins.

# The registry builds with Go 1.27.3: it fixes standard-library advisories (net/http,
# html/template, crypto/tls, crypto/x509) that Go 1.26.8 has. The go command fetches
# it from the Go module proxy on first use (~76 MB, seconds).
export GOTOOLCHAIN := go1.27.3

SHELL   := /bin/bash
GO      ?= go
# DB and ADDR, when given (make run ADDR=0.0.0.0:8080), override REGISTRY_DB and
# REGISTRY_ADDR; unset, serve reads those (defaults ./data/registry.db, 127.0.0.1:8080).
DB      ?=
ADDR    ?=
PG_DSN  ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
SWAG     = $(GO) run github.com/swaggo/swag/cmd/swag
# govulncheck and the vulnerability database it reads, pinned: vuln.go.dev is not
# reachable from every machine, the module proxy is.
GOVULNCHECK  = $(GO) run golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB       = golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
VULNDB_DIR  ?= $(or $(TMPDIR),/tmp)/registry-vulndb
# Spectral, pinned, through npx (Node.js 20 with npm; the first run downloads it, ~30 s).
SPECTRAL             = npx --yes @stoplight/spectral-cli@6.16.3
OPENAPI             ?= api/openapi.yaml
OPENAPI_MAX_WARNINGS ?= 10
# Counts spectral's JSON results (severity 0 error, 1 warning) against the limit.
SPECTRAL_COUNT = const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")), max = Number(process.argv[2]); \
	const n = s => r.filter(x => x.severity === s).length, e = n(0), w = n(1); \
	console.log("spectral: " + e + " errors, " + w + " warnings (at most " + max + " allowed)"); \
	if (e > 0 || !(w <= max)) { console.log("FAIL: lint-openapi"); process.exit(1); }

.PHONY: countries map test-browser run test test-postgres build generate docs migration lint lint-openapi bench load load-postgres vulncheck fuzz clean

## run: serve on SQLite with the bundled sourced dataset loaded (REGISTRY_ADDR or ADDR=host:port, REGISTRY_DB or DB=path)
run:
	@echo "make run: building ./cmd/registry with $(GOTOOLCHAIN). The first time, the go command downloads that toolchain (~76 MB) and the modules, then compiles each package (a few minutes; they are listed as they build); later runs take seconds."
	$(GO) build -v -o bin/registry ./cmd/registry
	@echo "make run: starting the server on $(or $(ADDR),$(REGISTRY_ADDR),127.0.0.1:8080)"
	./bin/registry serve$(if $(DB), --db $(DB))$(if $(ADDR), --addr $(ADDR)) --seed

## test: the whole suite on SQLite, and on PostgreSQL too when REGISTRY_TEST_POSTGRES_DSN is set
test:
	$(GO) test -count=1 ./...

## test-postgres: the suite with the store and API tests also on the local PostgreSQL
test-postgres:
	REGISTRY_TEST_POSTGRES_DSN='$(PG_DSN)' $(GO) test -count=1 ./...

## test-browser: the pages in headless Chromium (apt-get install chromium); screenshots kept in SCREENSHOT_DIR if set
test-browser:
	$(GO) test -count=1 -run 'TestBrowser' -v ./internal/web/

## countries: regenerate the countries' other names (search, suggestions) from the world-countries npm package (ODbL 1.0; needs npm)
countries:
	cd $(or $(TMPDIR),/tmp) && npm pack world-countries@5.1.0
	$(GO) run ./internal/domain/gencountries -in $(or $(TMPDIR),/tmp)/world-countries-5.1.0.tgz -out internal/domain/countrynames.json

## map: regenerate the home page's country outlines from the world-atlas npm package (needs npm)
map:
	cd $(or $(TMPDIR),/tmp) && npm pack world-atlas@2.0.2
	$(GO) run ./internal/web/gen -in $(or $(TMPDIR),/tmp)/world-atlas-2.0.2.tgz -out internal/web/assets/world.json

## build: the binary in bin/
build:
	$(GO) build -trimpath -o bin/registry ./cmd/registry

## generate: ent code from ent/schema, then the API docs
generate:
	$(GO) generate ./ent
	$(MAKE) docs

## docs: swag's docs/ from the handlers' annotations, then api/openapi.yaml from it
docs:
	$(SWAG) fmt -d internal/httpapi
	$(SWAG) init --quiet -g server.go -d internal/httpapi,internal/domain,internal/store,internal/search,internal/intake -o docs --parseInternal
	$(GO) run ./internal/tools/openapi3 docs/swagger.json api/openapi.yaml

## migration: a new versioned migration for both dialects (name=what_changed); needs PostgreSQL
migration:
	@test -n "$(name)" || (echo "usage: make migration name=what_changed" && exit 2)
	REGISTRY_DEV_POSTGRES_DSN='$(PG_DSN)' $(GO) run ./internal/store/gen $(name)

## lint: formatting and vet
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go') && exit 1)
	$(GO) vet ./...

## lint-openapi: Spectral's spectral:oas rules (.spectral.yaml) on api/openapi.yaml: fails on any error or more than OPENAPI_MAX_WARNINGS (10) warnings
lint-openapi:
	@command -v npx >/dev/null || { echo "lint-openapi: npx not found: it needs Node.js 20 or later with npm"; exit 1; }
	@out=$$(mktemp); trap 'rm -f "$$out"' EXIT; \
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity error -f stylish -f json --output.json "$$out" $(OPENAPI) && \
	node -e '$(SPECTRAL_COUNT)' "$$out" $(OPENAPI_MAX_WARNINGS)

## vulncheck: known vulnerabilities in called code, against the pinned database; reviewed exceptions in internal/tools/vulndb/allow.txt
vulncheck:
	$(GO) run ./internal/tools/vulndb -module $(VULNDB) -out $(VULNDB_DIR)
	set -o pipefail; $(GOVULNCHECK) -db file://$(VULNDB_DIR) -format json ./... | $(GO) run ./internal/tools/vulndb -check internal/tools/vulndb/allow.txt

## fuzz: each fuzz target for FUZZTIME (default 3s); a failing input lands in the package's testdata/fuzz
FUZZTIME ?= 3s
FUZZ_TARGETS = \
	httpapi:FuzzDecodeStrictLicense httpapi:FuzzDecodeStrictLogin httpapi:FuzzMergePatchVendor \
	httpapi:FuzzParseListLicenses httpapi:FuzzCountryParam httpapi:FuzzParseTime httpapi:FuzzIfMatch \
	store:FuzzDecodeCursor store:FuzzDecodeFeedCursor store:FuzzDecodeCodeCursor \
	dataset:FuzzRead \
	domain:FuzzNormalizeControlListEntry domain:FuzzParseID domain:FuzzValidateDateAt domain:FuzzNormalizeCountry
fuzz:
	set -e; for pair in $(FUZZ_TARGETS); do \
		pkg=$${pair%%:*}; target=$${pair#*:}; \
		echo "== $$pkg $$target"; \
		$(GO) test -run '^$$' -fuzz "^$${target}\$$" -fuzztime $(FUZZTIME) ./internal/$$pkg/; \
	done

## bench: Go benchmarks of the country profile, a filtered list, search and export on a synthetic registry (REGISTRY_BENCH_LICENSES, default 20000), and of building an uncached list's query
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/httpapi/ ./internal/search/ ./internal/store/

## load: the server on a 100,000-licence synthetic registry under wrk, against a bare handler serving the same bytes; then requests the cache cannot answer (miss), mixed with hits, a feed and exports (mixed); then under attack from three addresses while a fourth reads (BENCHMARKS.md)
LOAD_DB ?= $(or $(TMPDIR),/tmp)/registry-synthetic.db
LOAD_PG_DB ?= registry_load
LOAD_PG ?= postgres://postgres@127.0.0.1:5432/$(LOAD_PG_DB)?sslmode=disable
load:
	@command -v wrk >/dev/null && command -v sqlite3 >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk sqlite3)
	$(GO) run ./internal/tools/load -db $(LOAD_DB)

## load-postgres: the same on PostgreSQL (database LOAD_PG_DB, default registry_load, created and seeded when missing)
load-postgres:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	psql '$(PG_DSN)' -qc 'CREATE DATABASE $(LOAD_PG_DB)' 2>/dev/null || true
	$(GO) run ./internal/tools/load -postgres '$(LOAD_PG)'

clean:
	rm -rf bin data
