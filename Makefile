# Otklik — build, run and test on Debian/Ubuntu.
#   make run    starts the app (installs missing system packages; demo region on an empty store)
#   make test   vet + unit/UI tests + smoke test under Xvfb + desktop-notification test

SHELL      := /bin/bash
GO         ?= go
TAGS       := sqlite_fts5,migrated_fynedo
VERSION    := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0-dev)
LDFLAGS    := -X otklik/app.Version=$(VERSION)
GOFLAGS_B  := -tags $(TAGS) -trimpath
BIN        := otklik
STATICCHECK_VERSION := v0.8.2
FYNE_TOOLS_VERSION  := v1.7.4
GOBIN      := $(shell $(GO) env GOPATH)/bin
# Packages that never import Fyne: tested with the race detector.
CORE_PKGS  := ./app/... ./data/... ./assets/...

BUILD_DEBS := gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev libxrandr-dev \
              libxinerama-dev libxi-dev libxxf86vm-dev
TEST_DEBS  := xvfb xauth libgl1-mesa-dri imagemagick x11-utils dbus dunst libnotify-bin \
              poppler-utils unzip
WIN_DEBS   := gcc-mingw-w64-x86-64

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-windows run build build-windows test test-core test-ui smoke notify-it \
        lint vet staticcheck importcheck package screenshots bench fmt clean

all: build

# Installs only what is missing; does nothing when everything is present.
deps:
	@missing=$$(for p in $(BUILD_DEBS) $(TEST_DEBS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go ≥ 1.26 from https://go.dev/dl/"; exit 1; }

deps-windows:
	@dpkg-query -W -f='$${Status}' $(WIN_DEBS) 2>/dev/null | grep -q 'install ok installed' || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(WIN_DEBS); }

build: deps
	$(GO) build $(GOFLAGS_B) -ldflags "$(LDFLAGS)" -o $(BIN) .

run: build
	./$(BIN)

build-windows: deps deps-windows
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	  $(GO) build $(GOFLAGS_B) -ldflags "$(LDFLAGS) -H windowsgui" -o $(BIN).exe .

test: deps vet test-core test-ui smoke notify-it

test-core:
	$(GO) test -race -tags $(TAGS) -count=1 $(CORE_PKGS)

# UI tests run on Fyne's headless test driver.
test-ui:
	$(GO) test -tags $(TAGS) -count=1 ./ui/...

smoke: build
	bash .ci/smoke.sh ./$(BIN)

notify-it:
	bash .ci/notify-it.sh

vet:
	$(GO) vet -tags $(TAGS) ./...

staticcheck:
	@[ -x $(GOBIN)/staticcheck ] || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	$(GOBIN)/staticcheck -tags $(TAGS) ./...

# The core and the store must never import Fyne.
importcheck:
	@bad=$$($(GO) list -tags $(TAGS) -deps $(CORE_PKGS) | grep '^fyne.io/' || true); \
	if [ -n "$$bad" ]; then echo "app/ or data/ imports Fyne:"; echo "$$bad"; exit 1; fi; \
	echo "importcheck: app/ and data/ import nothing from Fyne"

lint: deps vet staticcheck importcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "gofmt needed:"; echo "$$out"; exit 1; }

package: deps
	@[ -x $(GOBIN)/fyne ] || $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)
	$(GOBIN)/fyne package -os linux --release --tags sqlite_fts5 --app-version $(patsubst v%,%,$(firstword $(subst -, ,$(VERSION)))) 2>/dev/null || \
	  $(GOBIN)/fyne package -os linux --release --tags sqlite_fts5
	@ls -l *.tar.xz

screenshots: deps
	OTKLIK_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags $(TAGS) -count=1 -run TestScreenshots ./ui/...

# Benchmarks on a 1 000 000-comment store (built once, reused).
BENCH_N  ?= 1000000
BENCH_DB ?= $(CURDIR)/build/bench-$(BENCH_N).db
bench: build
	@mkdir -p build
	OTKLIK_BENCH_N=$(BENCH_N) OTKLIK_BENCH_DB=$(BENCH_DB) OTKLIK_BIN=$(CURDIR)/$(BIN) \
	  $(GO) test -tags $(TAGS) -run '^$$' -bench . -benchtime 200x -timeout 60m ./app/ ./data/sqlite/ ./ui/

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN) $(BIN).exe build dist *.tar.xz
