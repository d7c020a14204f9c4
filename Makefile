# hardline — developer tasks. `make test` is what CI runs (via .ci/run).
GO            ?= go
BIN           := bin/hardline
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT        ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS       := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
GOLANGCI_VER  := v2.15.0
GOLANGCI      := $(shell $(GO) env GOPATH)/bin/golangci-lint
FUZZTIME      ?= 60s

.PHONY: all build test test-go test-rules lint docs docs-check bench perf demo fuzz clean tools

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/hardline

## test: everything a contributor needs — Go tests, Rego rule tests, generated-doc freshness, lint.
test: test-go test-rules docs-check lint

test-go:
	$(GO) test -count=1 ./...

test-rules: build
	$(BIN) rules test
	$(BIN) rules test --rules examples/custom-rules --no-builtin-rules

docs: build
	$(BIN) rules doc -o docs/rules --no-config
	$(GO) test ./pkg/dockerfile -run TestSchema -update >/dev/null
	$(GO) test ./pkg/baseimage -run TestDocTable -update >/dev/null

docs-check: build
	$(BIN) rules doc -o docs/rules --check --no-config

lint: tools
	$(GO) vet ./...
	$(GOLANGCI) run ./...

tools:
	@test -x $(GOLANGCI) && $(GOLANGCI) version 2>/dev/null | grep -q '$(patsubst v%,%,$(GOLANGCI_VER))' || \
		(cd /tmp && GOFLAGS=-mod=mod $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VER))

## bench: Go benchmarks for parsing, facts and evaluation (numbers go in docs/performance.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/...

## perf: whole-process timings (one Dockerfile; the ../shared corpus when present).
CORPUS ?= ../shared/corpus/files
perf: build
	@echo "one Dockerfile, 20 runs (wall seconds each):"
	@for i in $$(seq 20); do /usr/bin/time -f "%e %MKB" $(BIN) lint --no-config examples/go-service/Dockerfile >/dev/null; done 2>&1 | sort -n | awk '{a[NR]=$$1; m[NR]=$$2} END {print "  min " a[1] "  median " a[int((NR+1)/2)] "  max " a[NR] "  peak RSS " m[NR]}'
	@if [ -d "$(CORPUS)" ]; then \
		echo "corpus ($$(find $(CORPUS) -type f | wc -l) files), 3 runs:"; \
		for i in 1 2 3; do /usr/bin/time -f "  %e s wall, %U s user, %S s sys, %M KB peak" $(BIN) lint --no-config --fail-on none -f json -o /dev/null $(CORPUS) ; done; \
	else echo "corpus not found at $(CORPUS); skipped"; fi

## demo: the README's first command — built-in rules against examples/.
demo: build
	-$(BIN) lint examples/

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list ./pkg/...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

clean:
	rm -rf bin
