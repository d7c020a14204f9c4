# hardline — developer tasks. `make test` is what CI runs (via .ci/run).
GO            ?= go
BIN           := bin/hardline
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT        ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS       := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
GOLANGCI_VER  := v2.15.0
GOLANGCI      := $(shell $(GO) env GOPATH)/bin/golangci-lint
FUZZTIME      ?= 60s
FUZZTIME_CI   ?= 5s

.PHONY: all build test test-go test-rules lint docs docs-check bench perf perf-image demo fuzz fuzz-ci clean tools e2e image bench-scale buildkit-compare

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/hardline

## test: everything a contributor needs — Go tests, Rego rule tests, generated-doc freshness, lint,
## a short fuzzing pass and the end-to-end tests (real images, registry, pre-commit, Chromium).
test: test-go test-rules docs-check lint fuzz-ci e2e

test-go:
	$(GO) test -count=1 ./...

test-rules: build
	$(BIN) rules test
	$(BIN) rules test --rules examples/custom-rules --no-builtin-rules

docs: build
	$(BIN) rules doc -o docs/rules --no-config
	$(GO) test ./pkg/dockerfile -run TestSchema -update >/dev/null
	$(GO) test ./pkg/image -run TestSchemaUpToDate -update >/dev/null
	$(GO) test ./pkg/compliance -run TestSchemaUpToDate -update >/dev/null
	$(GO) test ./pkg/baseimage -run TestDocTable -update >/dev/null
	$(GO) test ./pkg/policy -run TestPrecompiledUpToDate -update >/dev/null

docs-check: build
	$(BIN) rules doc -o docs/rules --check --no-config

lint: tools
	$(GO) vet ./...
	$(GOLANGCI) run --build-tags e2e ./...

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

## perf-image: whole-process timings for a ~1 GB image (docs/performance.md). Builds it once with buildah
## from this machine's /usr/local/go, /usr/lib/x86_64-linux-gnu and /usr/share/doc into PERFDIR.
PERFDIR ?= /tmp/hardline-perf-image
perf-image: build
	@if [ ! -f $(PERFDIR)/image.tar ]; then \
		set -e; B="buildah --root $(PERFDIR)/root --runroot $(PERFDIR)/runroot --storage-driver vfs"; \
		c=$$($$B from scratch); \
		for d in /usr/local/go /usr/lib/x86_64-linux-gnu /usr/share/doc; do $$B copy $$c $$d $$d; done; \
		$$B config --entrypoint '["/usr/local/go/bin/go"]' $$c; $$B commit -q $$c perf:1 >/dev/null; \
		$$B push -q perf:1 docker-archive:$(PERFDIR)/image.tar:perf:1; \
		$$B push -q --compression-format gzip perf:1 oci:$(PERFDIR)/layout:1; \
	fi
	@echo "floor:"; /usr/bin/time -f "  cat           %e s" cat $(PERFDIR)/image.tar >/dev/null
	@/usr/bin/time -f "  tar -xOf      %e s" tar -xOf $(PERFDIR)/image.tar >/dev/null
	@/usr/bin/time -f "  gzip -dc      %e s" sh -c 'for f in $(PERFDIR)/layout/blobs/sha256/*; do gzip -dc <$$f 2>/dev/null; done >/dev/null'
	@echo "hardline image (3 runs each):"
	@for ref in $(PERFDIR)/image.tar oci:$(PERFDIR)/layout:1; do for i in 1 2 3; do \
		/usr/bin/time -f "  $$ref  %e s wall, %U s user, %S s sys, %M KB peak" $(BIN) image --no-config --fail-on none -f json -o /dev/null $$ref; \
	done; done
	@/usr/bin/time -f "  --verify-layers  %e s wall, %U s user, %M KB peak" $(BIN) image --verify-layers --no-config --fail-on none -f json -o /dev/null $(PERFDIR)/image.tar

## demo: the README's first command — built-in rules against examples/.
demo: build
	-$(BIN) lint examples/

## image: hardline's own image (cmd/hardline/Containerfile) from the binary `make build` just made, with
## buildah (vfs storage, chroot isolation: no daemon, no registry), then linted and scanned by that
## binary with the repository's .hardline.yaml. Writes bin/hardline-image.tar (docker-archive).
IMAGE_TAG ?= localhost/hardline:dev
image: build
	@set -e; d=$$(mktemp -d -t hardline-image-XXXXXX); trap 'rm -rf "$$d"' EXIT; mkdir -p $$d/context; \
	cp $(BIN) $$d/context/hardline; \
	cp /etc/ssl/certs/ca-certificates.crt $$d/context/ca-certificates.crt; \
	B="buildah --root $$d/root --runroot $$d/runroot --storage-driver vfs"; \
	$$B bud -q --layers --format docker --isolation chroot --build-arg VERSION=$(VERSION) --build-arg REVISION=$(COMMIT) \
		-f cmd/hardline/Containerfile -t $(IMAGE_TAG) $$d/context >/dev/null; \
	rm -f bin/hardline-image.tar; \
	$$B push -q $(IMAGE_TAG) docker-archive:bin/hardline-image.tar:$(IMAGE_TAG); \
	echo "bin/hardline-image.tar ($(IMAGE_TAG), version $(VERSION))"
	$(BIN) lint cmd/hardline/Containerfile
	$(BIN) image --dockerfile cmd/hardline/Containerfile bin/hardline-image.tar

## buildkit-compare: hardline's Dockerfile lint facts vs BuildKit's own dockerfile2llb on ../shared's corpus
## (separate module in testdata/buildkit-compare; skips the corpus part when ../shared is absent).
buildkit-compare:
	cd testdata/buildkit-compare && $(GO) test -count=1 ./...

## bench-scale: how cost grows with 10x and 100x the input (docs/performance.md, "Scaling").
bench-scale:
	$(GO) test -run '^$$' -bench 'Scale' -benchtime 1x -benchmem ./pkg/lint

## fuzz: run every fuzz target for FUZZTIME each (one worker: the machine is shared); crashers land in
## testdata/fuzz/ and become regression tests. fuzz-ci is the short run `make test` includes.
## A bare "context deadline exceeded" at the end of -fuzztime with no failing input written is Go 1.26's
## fuzz-coordinator race (golang/go#75804, fixed in Go 1.27), not a finding: it is reported and skipped.
fuzz:
	@for pkg in $$($(GO) list ./pkg/...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$t"; \
			out=$$($(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -parallel 1 $$pkg 2>&1); rc=$$?; echo "$$out"; \
			if [ $$rc -ne 0 ]; then \
				if echo "$$out" | grep -q 'Failing input written to' || ! echo "$$out" | grep -qx '    context deadline exceeded'; then exit 1; fi; \
				echo "(no failing input: Go fuzz-coordinator deadline race golang/go#75804, ignored)"; \
			fi; \
		done; \
	done

fuzz-ci:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_CI)

clean:
	rm -rf bin

## e2e: `hardline image` end to end — real images built with buildah, exported to every input format and
## served by a real registry. Needs root, ../shared, buildah, docker-registry, debootstrap, apache2-utils;
## skips without them unless HARDLINE_E2E_REQUIRE=1. About 3-5 minutes; see docs/testing.md.
e2e:
	$(GO) test -tags e2e -count=1 -timeout 20m -run '^TestE2E' -v ./cmd/hardline
