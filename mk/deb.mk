# The Debian package (issue 16): `make deb` runs dpkg-buildpackage over debian/, whose rules call
# `make release man install` (mk/install.mk). The package lands in .build-deb/.
DEB_DIR := .build-deb
# (read without dpkg-dev, which `make deb` installs only later)
DEB_VERSION = $(shell head -n 1 debian/changelog | sed 's/.*(//; s/).*//')
DEB_ARCH = $(shell dpkg --print-architecture)
DEB = $(DEB_DIR)/coachd_$(DEB_VERSION)_$(DEB_ARCH).deb
# What building and checking the package needs beyond `make deps`.
DEB_TOOLS := debhelper dpkg-dev lintian groff man-db

deb-deps:
	@missing=""; \
	for pkg in $(DEB_TOOLS); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Rebuilt when a tracked file changes or a commit is made (the commit is stamped into the
# binaries); otherwise `make deb` (and the package test after `make test-deb`) reuses it.
DEB_INPUTS := $(shell git ls-files 2>/dev/null) $(wildcard $(shell git rev-parse --git-path logs/HEAD 2>/dev/null))

deb: $(DEB) ## Build the Debian package .build-deb/coachd_VERSION_ARCH.deb (dpkg-buildpackage; version from debian/changelog)

$(DEB): $(DEB_INPUTS)
	@$(MAKE) --no-print-directory deps deb-deps
	mkdir -p $(DEB_DIR)
	rm -f $(DEB_DIR)/coachd_*
	COACHD_DEB_DIR=$(abspath $(DEB_DIR)) dpkg-buildpackage -b --no-sign \
		--buildinfo-option=-u$(abspath $(DEB_DIR)) --changes-option=-u$(abspath $(DEB_DIR)) \
		--buildinfo-file=$(abspath $(DEB_DIR))/coachd_$(DEB_VERSION)_$(DEB_ARCH).buildinfo \
		--changes-file=$(abspath $(DEB_DIR))/coachd_$(DEB_VERSION)_$(DEB_ARCH).changes
	@echo "built $(DEB)"

print-deb:
	@echo $(abspath $(DEB))

# Each page must render with no warning from man (as lintian runs it) nor from groff -wall.
test-man: man deb-deps ## Render each man page with `man --warnings -l` and `groff -wall`; fail on any warning
	@for page in $(MAN_PAGES); do \
		warnings=$$( { LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l $(MAN_DIR)/$$page >/dev/null; \
			groff -mandoc -wall -z -Tutf8 $(MAN_DIR)/$$page; } 2>&1 ); \
		if [ -n "$$warnings" ]; then echo "FAILED: $$page:"; echo "$$warnings"; exit 1; fi; \
		lines=$$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l $(MAN_DIR)/$$page 2>/dev/null | wc -l); \
		[ "$$lines" -gt 20 ] || { echo "FAILED: $$page renders to $$lines lines"; exit 1; }; \
		echo "ok - $$page renders without warnings ($$lines lines)"; \
	done

# lintian with no errors and no warnings; overrides live in debian/coachd.lintian-overrides with their reasons.
test-deb: deb ## Build the package and check it with lintian (no errors, no warnings)
	lintian --fail-on error,warning --display-info $(DEB)
	@echo "ok - lintian: no errors, no warnings on $(notdir $(DEB))"

TEST_STEPS += test-man test-deb
.PHONY: deb deb-deps print-deb test-man test-deb
