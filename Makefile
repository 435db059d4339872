# Otklik — build, run and test on Debian/Ubuntu.
#   make run    starts the app (installs missing system packages; demo region on an empty store)
#   make test   vet, staticcheck, gofmt + race tests of the core + UI tests + smoke test under Xvfb
#               + desktop-notification test + 10 crash trials

SHELL      := /bin/bash
GO         ?= go
TAGS       := sqlite_fts5,migrated_fynedo
VERSION    := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0-dev)
LDFLAGS    := -X otklik/app.Version=$(VERSION)
# Release builds drop local paths; the everyday build shares the test cache
# (-trimpath changes every cache key, so it would compile everything twice).
GOFLAGS_B  := -tags $(TAGS) -trimpath
GOFLAGS_D  := -tags $(TAGS)
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
# The Windows cross-compile, its resources and the Wine smoke test.
WIN_DEBS   := gcc-mingw-w64-x86-64 wine wine64 imagemagick xvfb xauth x11-utils libgl1-mesa-dri locales
# fyne package writes the Linux package with tar -J.
PKG_DEBS   := xz-utils

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-windows run build build-windows test test-core test-ui smoke notify-it crash-short \
        lint vet staticcheck importcheck package package-linux package-windows smoke-windows \
        screenshots bench fmt clean

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

# $(call apt_missing,PACKAGES) installs those of PACKAGES that are not installed.
apt_missing = missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps-windows:
	@$(call apt_missing,$(WIN_DEBS) $(PKG_DEBS))

build: deps
	$(GO) build $(GOFLAGS_D) -ldflags "$(LDFLAGS)" -o $(BIN) .

run: build
	./$(BIN)

# otklik.exe: a GUI-subsystem binary with no DLLs beside it. Its icon, manifest
# and version sheet come from assets/windows/otklik.rc, compiled into
# $(WIN_SYSO) (git-ignored), which only windows/amd64 builds link in.
build-windows: deps deps-windows
	@mkdir -p $(WIN_RES)
	convert assets/icon.png -define png:exclude-chunks=date,time \
	  -define icon:auto-resize=256,128,64,48,32,24,16 $(WIN_RES)/otklik.ico
	x86_64-w64-mingw32-windres -c 65001 -I $(WIN_RES) -I assets/windows $(WIN_RC_DEFS) \
	  -O coff -i assets/windows/otklik.rc -o $(WIN_SYSO)
	$(WIN_ENV) $(GO) build $(GOFLAGS_B) -ldflags "$(LDFLAGS) -s -w -H windowsgui" -o $(BIN).exe .

test: deps lint test-core test-ui smoke notify-it crash-short

# A short crash run: the real binary killed at random moments (make reliability runs 200).
crash-short: build
	@mkdir -p build
	TRIALS=10 bash .ci/reliability.sh ./$(BIN)

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

# ── Packages for the press office's laptops, into $(DIST)/ ────────────────────
# Release binaries are built with -trimpath (no build machine paths in them) and
# -s -w, so the first Linux package compiles everything once more; the Windows
# cross-compile has a cache of its own anyway. Later runs relink in seconds.
# The numeric version in the package metadata is the latest tag vX.Y.Z, else
# FyneApp.toml's Version; the build number counts commits.
APP_VERSION := $(or $(shell git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null | \
                 sed -n 's/^v\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p'),$(shell sed -n 's/^Version *= *"\([0-9.]*\)".*/\1/p' FyneApp.toml))
APP_BUILD   := $(shell git rev-list --count HEAD 2>/dev/null || echo 1)
DIST        := dist
LINUX_PKG   := $(DIST)/otklik-$(VERSION)-linux-amd64.tar.xz
WIN_EXE     := $(DIST)/otklik-$(VERSION)-windows-amd64.exe
WIN_ENV     := CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
WIN_RES     := build/windows
WIN_SYSO    := rsrc_windows_amd64.syso
win_ver      = $(or $(word $(1),$(subst ., ,$(APP_VERSION))),0)
# windres hands -D to the preprocessor through a shell: hence the \" quoting.
WIN_RC_DEFS := -DVER_MAJOR=$(call win_ver,1) -DVER_MINOR=$(call win_ver,2) -DVER_PATCH=$(call win_ver,3) \
               -DVER_BUILD=$(APP_BUILD) '-DVER_TEXT=\"$(VERSION)\"'
# make smoke-windows WIN_SHOT=docs/screenshots/windows-wine.png keeps the screenshot.
WIN_SHOT    ?=

package: package-linux package-windows
	@ls -l $(LINUX_PKG) $(WIN_EXE) | awk '{ printf "%-55s %7.1f MB\n", $$NF, $$5 / 1048576 }'

# fyne package wraps the release binary (--exe) rather than building again with
# C flags of its own: usr/local/bin/otklik, the .desktop file, the icon and a
# Makefile for `sudo make install`.
package-linux: deps
	@$(call apt_missing,$(PKG_DEBS))
	@[ -x $(GOBIN)/fyne ] || $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)
	@mkdir -p build/linux $(DIST)
	$(GO) build $(GOFLAGS_B) -ldflags "$(LDFLAGS) -s -w" -o build/linux/$(BIN) .
	rm -f build/linux/*.tar.xz
	cd build/linux && $(GOBIN)/fyne package -os linux --release --src $(CURDIR) --exe $(CURDIR)/build/linux/$(BIN) \
	  --app-version $(APP_VERSION) --app-build $(APP_BUILD)
	mv build/linux/*.tar.xz $(LINUX_PKG)
	@# fyne package bumps Build in FyneApp.toml; the build number comes from git instead.
	git checkout -- FyneApp.toml 2>/dev/null || true

package-windows: build-windows
	@mkdir -p $(DIST)
	cp $(BIN).exe $(WIN_EXE)

# The .exe under Wine and Xvfb on a demo store in a Cyrillic folder with spaces.
smoke-windows: package-windows
	OTKLIK_VERSION=$(VERSION) bash .ci/windows-smoke.sh $(WIN_EXE) $(WIN_SHOT)

screenshots: deps
	OTKLIK_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags $(TAGS) -count=1 -run TestScreenshots ./ui/...

# Benchmarks on a 1 000 000-comment store: the import builds it once (and is
# measured); the query and UI benchmarks then reuse it; last, the same
# 1 000 000 comments imported by Otklik and by the sqlite3 shell, with the
# ratio table (docs/benchmarks.md).
BENCH_N  ?= 1000000
BENCH_DB ?= $(CURDIR)/build/bench-$(BENCH_N).db
BENCH_ENV = OTKLIK_BENCH_N=$(BENCH_N) OTKLIK_BENCH_DB=$(BENCH_DB) OTKLIK_BIN=$(CURDIR)/$(BIN)
bench: build
	@mkdir -p build
	$(BENCH_ENV) $(GO) test -tags $(TAGS) -run '^$$' -bench '^BenchmarkImport$$' -benchtime 1x -timeout 60m ./app/
	$(BENCH_ENV) $(GO) test -tags $(TAGS) -run '^$$' -bench 'Inbox|Search|Scroll' -benchtime 200x -timeout 60m ./app/
	$(BENCH_ENV) $(GO) test -tags $(TAGS) -run '^$$' -bench . -benchtime 50x -timeout 60m ./ui/
	BENCH_N=$(BENCH_N) BENCH_WORK=$(CURDIR)/build/bench-sqlite-$(BENCH_N) bash .ci/bench-sqlite.sh $(CURDIR)/$(BIN)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN) $(BIN).exe build dist *.tar.xz rsrc_windows_amd64.syso

# ── Proof of reliability and speed (docs/reliability.md, docs/benchmarks.md) ──
# make reliability TRIALS=10 is the short run.
TRIALS   ?= 200
FUZZTIME ?= 20s
.PHONY: reliability fuzz bench-sqlite
reliability: build
	@mkdir -p build
	TRIALS=$(TRIALS) bash .ci/reliability.sh ./$(BIN)

fuzz:
	FUZZTIME=$(FUZZTIME) TAGS=$(TAGS) bash .ci/fuzz.sh

bench-sqlite: build
	BENCH_N=$(BENCH_N) BENCH_WORK=$(CURDIR)/build/bench-sqlite-$(BENCH_N) bash .ci/bench-sqlite.sh $(CURDIR)/$(BIN)
