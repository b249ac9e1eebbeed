# Benchmarks (issue 5): B1–B8 side by side against redis-server and the socket floor; B13 (issue 10): peak RSS
# under 64 clients that send batches and never read (Benchmarks/reply_flood.py); B14–B16 (issue 12): reports.summary,
# coverage.list and one event to 1,000 subscribers (Benchmarks/lead_view.py, Benchmarks/fanout.c);
# B17–B19 (issue 15): due.list, durable changes/s and READY with coachd on PostgreSQL beside SQLite, on one
# PostgreSQL server the runner starts (Debian's postgresql: postgresql-deps, mk/postgresql.mk) and stops.
# `make bench` writes Docs/Performance.md; `make bench-smoke` (part of `make test`) runs each once on tiny data.
BENCH_DIR := .bench
BENCH_TOOLS := $(BENCH_DIR)/tools
BENCH_CC ?= cc
BENCH_CFLAGS := -O2 -Wall -Wextra -Werror
BENCH_PROGRAMS := $(addprefix $(BENCH_TOOLS)/,loadgen floor fsync_ceiling notify_ready clockwatch fanout)
BENCH_APT := redis-server redis-tools hyperfine util-linux libsqlite3-dev python3
# Measure what ships: release, static Swift standard library (as `make release` builds it), in its own
# build directory because the static standard library changes how everything links.
BENCH_BUILD ?= .build-release
BENCH_BIN := $(BENCH_BUILD)/release
BENCH_SWIFT_FLAGS := -c release --static-swift-stdlib --scratch-path $(BENCH_BUILD) $(SWIFT_FLAGS)

TEST_STEPS += bench-smoke

bench-deps: ## Install what the benchmarks need and is missing (redis-server, redis-tools, hyperfine, a C compiler)
	@missing=""; \
	for pkg in $(BENCH_APT); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	command -v $(BENCH_CC) >/dev/null 2>&1 || missing="$$missing gcc libc6-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BENCH_TOOLS)/%: Benchmarks/%.c
	@mkdir -p $(BENCH_TOOLS)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $< $(if $(filter fsync_ceiling,$*),-lsqlite3)

bench-tools: bench-deps $(BENCH_PROGRAMS) ## Compile the C load generator, floor server, fsync ceiling, READY listener and fan-out client

bench: deps bench-tools postgresql-deps ## Build release, run B1–B8 against redis-server and the floor, B13, B14–B16 and B17–B19 (PostgreSQL beside SQLite), write Docs/Performance.md
	$(SWIFT) build $(BENCH_SWIFT_FLAGS)
	$(BENCH_BIN)/coachbench run --bin $(BENCH_BIN) --tools $(BENCH_TOOLS) --data $(BENCH_DIR)/data \
	  --work $(BENCH_DIR)/run --out Docs/Performance.md --notes Benchmarks/Findings.md $(if $(ONLY),--only $(ONLY))

bench-smoke: deps bench-tools postgresql-deps ## Run every benchmark once on tiny data with the debug build (proves they work; judges no timing)
	$(SWIFT) build $(SWIFT_FLAGS)
	$(BIN)/coachbench run --quick --bin $(BIN) --tools $(BENCH_TOOLS) --data $(BENCH_DIR)/smoke-data \
	  --work $(BENCH_DIR)/smoke --out $(BENCH_DIR)/smoke/Performance.md

.PHONY: bench-deps bench-tools bench bench-smoke
