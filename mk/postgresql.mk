# The store conformance suite runs against a real PostgreSQL too (issue 15): the tests start a
# server of their own from Debian's postgresql package (Tests/CoachStoreTests/PostgresTestServer.swift),
# so `make check` and `make test` install the package when it is missing. Nothing is skipped without it:
# the PostgreSQL cases fail, saying what is missing. `make build`/`make run` do not need it.
postgresql-deps: ## Install Debian's postgresql (server and initdb) for the store tests, when missing
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "installing: postgresql"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql; \
	fi

# Extra prerequisites of the targets in the Makefile (a rule without a recipe adds them).
check: postgresql-deps
test: postgresql-deps
