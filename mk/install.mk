# Release build and installation as a systemd service (Docs/Operations.md).
# Paths follow PREFIX; systemd 252 reads units, sysusers.d and catalogs under /usr/local/lib too,
# so the default PREFIX=/usr/local needs nothing outside the usual search paths.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
# coachctl-full, which the `coachctl` front runs for all but a plain `coachctl due`; the front
# looks for it in ../libexec/coachd from its own directory, so LIBEXECDIR stays BINDIR/../libexec.
LIBEXECDIR ?= $(PREFIX)/libexec
# coachd itself; the Debian package puts the daemon in /usr/sbin (its page is coachd(8)).
SBINDIR ?= $(BINDIR)
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
CATALOGDIR ?= $(PREFIX)/lib/systemd/catalog
DOCDIR ?= $(PREFIX)/share/doc/coachd
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
SYSCONFDIR ?= /etc
# A build directory of its own: the static standard library changes how everything links.
RELEASE_DIR ?= .build-release
RELEASE_BIN := $(RELEASE_DIR)/release
RELEASE_FLAGS := -c release --static-swift-stdlib --scratch-path $(RELEASE_DIR) $(SWIFT_FLAGS)
# The files under systemd/ name the default paths; installing rewrites them to these.
UNIT_PATHS := -e 's|/usr/local/bin/coachd |$(SBINDIR)/coachd |g' -e 's|/usr/local/bin|$(BINDIR)|g' -e 's|/usr/local/share/doc/coachd|$(DOCDIR)|g' \
	-e 's|/etc/coachd|$(SYSCONFDIR)/coachd|g'

release: deps ## Build release coachd and coachctl with the static Swift standard library (no toolchain needed to run them)
	$(SWIFT) build $(RELEASE_FLAGS) --product coachd
	$(SWIFT) build $(RELEASE_FLAGS) --product coachctl
	$(SWIFT) build $(RELEASE_FLAGS) --product coachctl-full

# The pages are made from the release binaries by swift-argument-parser's generate-manual (the tool
# its generate-manual plugin runs; the plugin itself would first build every product in release)
# and man/generate.sh (Docs/Decisions.md, issue 16).
MAN_DIR := .build-man
MAN_PAGES := coachctl.1 coachd.8 coachd.yaml.5
man: release ## Generate the man pages coachctl(1), coachd(8), coachd.yaml(5) into .build-man
	$(SWIFT) build $(SWIFT_FLAGS) --product generate-manual
	bash man/generate.sh $(MAN_DIR) $(BIN)/generate-manual $(RELEASE_BIN)

install: release man ## Install binaries, units, sysusers, catalog, config (kept if present), completions; DESTDIR, PREFIX
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(CATALOGDIR) \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/coachd $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(LIBEXECDIR)/coachd
	install -m 0755 -s $(RELEASE_BIN)/coachctl $(DESTDIR)$(BINDIR)/
	install -m 0755 -s $(RELEASE_BIN)/coachctl-full $(DESTDIR)$(LIBEXECDIR)/coachd/
	install -m 0755 -s $(RELEASE_BIN)/coachd $(DESTDIR)$(SBINDIR)/
	for page in $(MAN_PAGES); do \
		install -m 0644 $(MAN_DIR)/$$page $(DESTDIR)$(MANDIR)/man$${page##*.}/$$page || exit 1; \
	done
	for unit in coachd.service coachd.socket; do \
		sed $(UNIT_PATHS) systemd/$$unit > $(DESTDIR)$(UNITDIR)/$$unit && chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit || exit 1; \
	done
	install -m 0644 systemd/coachd.sysusers $(DESTDIR)$(SYSUSERSDIR)/coachd.conf
	sed $(UNIT_PATHS) systemd/coachd.catalog > $(DESTDIR)$(CATALOGDIR)/coachd.catalog
	chmod 0644 $(DESTDIR)$(CATALOGDIR)/coachd.catalog
	install -m 0644 Docs/Operations.md Docs/Journal.md Docs/Configuration.md $(DESTDIR)$(DOCDIR)/
	@# An administrator's configuration is never overwritten; the new default goes beside it.
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/coachd/coachd.yaml ]; then \
		install -m 0644 Config/coachd.yaml $(DESTDIR)$(SYSCONFDIR)/coachd/coachd.yaml.default; \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/coachd/coachd.yaml; the shipped default is coachd.yaml.default"; \
	else \
		install -m 0644 Config/coachd.yaml $(DESTDIR)$(SYSCONFDIR)/coachd/coachd.yaml && \
		echo "installed $(DESTDIR)$(SYSCONFDIR)/coachd/coachd.yaml"; \
	fi
	@# bash-completion sources the file: no #! line (lintian: bash-completion-with-hashbang).
	$(RELEASE_BIN)/coachctl --generate-completion-script bash | sed '1{/^#!/d}' > $(DESTDIR)$(BASHCOMPDIR)/coachctl
	$(RELEASE_BIN)/coachctl --generate-completion-script zsh > $(DESTDIR)$(ZSHCOMPDIR)/_coachctl
	$(RELEASE_BIN)/coachctl --generate-completion-script fish > $(DESTDIR)$(FISHCOMPDIR)/coachctl.fish
	@# On the live system (no DESTDIR): create the user and group, index the catalog, tell systemd.
	@if [ -z "$(DESTDIR)" ]; then \
		set -x; systemd-sysusers $(SYSUSERSDIR)/coachd.conf && journalctl --update-catalog && \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	fi
	@echo "installed; next: systemctl enable --now coachd.socket coachd.service (Docs/Operations.md)"

uninstall: ## Remove what install put in place, except the configuration and /var/lib/coachd
	rm -f $(DESTDIR)$(SBINDIR)/coachd $(DESTDIR)$(BINDIR)/coachctl $(DESTDIR)$(LIBEXECDIR)/coachd/coachctl-full \
		$(DESTDIR)$(MANDIR)/man1/coachctl.1 \
		$(DESTDIR)$(MANDIR)/man8/coachd.8 $(DESTDIR)$(MANDIR)/man5/coachd.yaml.5 $(DESTDIR)$(UNITDIR)/coachd.service \
		$(DESTDIR)$(UNITDIR)/coachd.socket $(DESTDIR)$(SYSUSERSDIR)/coachd.conf \
		$(DESTDIR)$(CATALOGDIR)/coachd.catalog $(DESTDIR)$(BASHCOMPDIR)/coachctl $(DESTDIR)$(ZSHCOMPDIR)/_coachctl \
		$(DESTDIR)$(FISHCOMPDIR)/coachctl.fish
	rm -rf $(DESTDIR)$(DOCDIR)
	-rmdir $(DESTDIR)$(LIBEXECDIR)/coachd
	if [ -z "$(DESTDIR)" ]; then journalctl --update-catalog; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; fi

units-check: release ## systemd-analyze verify the units (against the release binaries) and print their exposure score
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	for unit in coachd.service coachd.socket; do \
		sed -e 's|/usr/local/bin|$(abspath $(RELEASE_BIN))|g' systemd/$$unit > $$dir/$$unit || exit 1; \
	done && \
	systemd-analyze verify $$dir/coachd.socket $$dir/coachd.service && \
	systemd-analyze security --offline=yes --threshold=5 $$dir/coachd.service | tail -n 1

.PHONY: release man install uninstall units-check
