# coachd — `make help` lists the targets.
SHELL := /bin/bash
SWIFT ?= swift
SWIFT_FLAGS := --explicit-target-dependency-import-check error
CONFIG ?= Config/coachd.yaml
BIN := .build/debug
# Extra steps of `make test`, appended by the fragments in mk/ (fuzz smoke run, sanitizers, system test).
TEST_STEPS :=

.DEFAULT_GOAL := help

# Each concern (install, fuzzing, benchmarks, system tests) keeps its targets in its own mk/*.mk.
-include mk/*.mk

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

deps: ## Install what the build needs and is missing (Debian: libsystemd-dev, libsqlite3-dev, pkg-config)
	@missing=""; \
	for pkg in libsystemd-dev libsqlite3-dev pkg-config; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps ## Build daemon and CLI (debug), warnings as errors, import check on
	$(SWIFT) build $(SWIFT_FLAGS)

# Only what is run: `make run` builds coachd, `make coachctl`/`make demo` the CLI; not the tests,
# benchmarks or fuzz tools (Docs/Performance.md, "A newcomer's first minute"); and without the
# PostgreSQL trait (postgres-nio and two BoringSSLs: ~11 CPU-minutes; Decisions, issue 15).
RUN_BUILD := $(SWIFT_FLAGS) --disable-default-traits
run: deps ## Build coachd only (debug, SQLite only: no PostgreSQL trait) and start it in the foreground on ./.coachd (socket .coachd/coachd.sock); extra flags in RUN_FLAGS. `make demo` or `make coachctl` builds the CLI
	$(SWIFT) build $(RUN_BUILD) --product coachd
	$(BIN)/coachd --config $(CONFIG) --state-dir .coachd $(RUN_FLAGS)

COACHD_SOCKET ?= .coachd/coachd.sock
coachctl: deps ## Build coachctl and coachctl-full (debug, as `make run` builds coachd): .build/debug/coachctl
	$(SWIFT) build $(RUN_BUILD) --product coachctl
	$(SWIFT) build $(RUN_BUILD) --product coachctl-full

demo: coachctl ## Seed the daemon at COACHD_SOCKET (default: the one `make run` serves) with a demonstration trust
	$(BIN)/coachctl --socket $(COACHD_SOCKET) demo seed

# The socket tests and the end-to-end tests each run on their own. The end-to-end tests block a
# thread of the test process while they wait on real processes; and in one run with everything else
# (about 70 suites started at once, headless Chromium and the CLI's child processes among them) the
# in-process socket server got too little of two loaded cores and a client's read timed out.
UNIT_RUN := $(SWIFT) test $(SWIFT_FLAGS) --skip-build --skip EndToEndTests --skip CoachRPCSocketTests
SOCKET_RUN := $(SWIFT) test $(SWIFT_FLAGS) --skip-build --filter CoachRPCSocketTests
test: deps check-imports lint ## Build and run every test: unit, store, RPC, end to end, then the steps in mk/ (what CI runs)
	@echo "== make test: build (started $$(date -u +%T) UTC)"
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests
	@echo "== make test: unit tests (started $$(date -u +%T) UTC)"
	$(UNIT_RUN)
	@echo "== make test: socket tests (started $$(date -u +%T) UTC)"
	$(SOCKET_RUN)
	@echo "== make test: end-to-end tests (started $$(date -u +%T) UTC)"
	$(SWIFT) test $(SWIFT_FLAGS) --skip-build --filter EndToEndTests
	@for step in $(TEST_STEPS); do \
	  start=$$(date +%s); echo "== make test: $$step (started $$(date -u +%T) UTC)"; \
	  $(MAKE) --no-print-directory $$step || exit 1; \
	  echo "== make test: $$step took $$(( $$(date +%s) - start )) s"; \
	done

check: deps check-imports lint ## The inner loop: build everything and run the unit, store and RPC tests (no end to end, fuzz, TSan or system test)
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests
	$(UNIT_RUN)
	$(SOCKET_RUN)

SWIFT_FILES := Sources Tests Plugins Package.swift
lint: ## swift format lint --strict over every Swift file (make test fails on any finding; `make format` fixes most)
	$(SWIFT) format lint --strict --recursive --parallel $(SWIFT_FILES)

format: ## Reformat every Swift file in place with swift format (.swift-format holds the style)
	$(SWIFT) format format --in-place --recursive --parallel $(SWIFT_FILES)

check-imports: ## Every import in a target names one of its direct dependencies (read from swift package dump-package)
	@python3 Tools/check-imports.py

docs: build ## Regenerate Docs/openrpc.json and Docs/API.md from the wire types, Config/coachd.yaml and the key table of Docs/Configuration.md from the declared keys
	$(BIN)/coachd --print-openrpc > Docs/openrpc.json
	$(BIN)/coachd --print-api-reference > Docs/API.md
	$(MAKE) --no-print-directory config-docs

# The configuration keys are declared once (Sources/CoachDaemon/ConfigurationKeys.swift): the sample file
# and the table between the markers of Docs/Configuration.md (the prose around it is kept) follow them.
config-docs: ## Regenerate Config/coachd.yaml and the key table of Docs/Configuration.md (needs a built coachd)
	$(BIN)/coachd --print-config-sample > Config/coachd.yaml
	$(BIN)/coachd --print-config-reference > .build/config-table.md
	awk -v table=.build/config-table.md ' \
		/^<!-- Generated by `coachd --print-config-reference`/ { print; while ((getline line < table) > 0) print line; skip = 1; next } \
		/^<!-- End of the generated table. -->$$/ { skip = 0 } \
		!skip' Docs/Configuration.md > .build/Configuration.md
	grep -q '^| `cycle.followUpSchoolDays` |' .build/Configuration.md && mv .build/Configuration.md Docs/Configuration.md

clean: ## Remove build products (keeps .coachd/)
	rm -rf .build

.PHONY: help deps build run coachctl demo test check check-imports docs config-docs format lint clean
