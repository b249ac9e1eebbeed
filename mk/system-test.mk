# The system test: a real systemd booted in namespaces over an overlay of / (Tests/System).
test-system: ## Boot a real systemd as PID 1 in namespaces, make install into it, check coachd as a service (root; SKIPPED otherwise)
	@for tool in jq sqlite3; do command -v $$tool >/dev/null || [ "$$(id -u)" != 0 ] || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool || exit 1; done
	bash Tests/System/system-test.sh

TEST_STEPS += test-system
.PHONY: test-system

# The package test: the same system test with `apt install ./coachd_*.deb` instead of make install,
# then an upgrade to a second build, remove and purge (Tests/System/system-test.sh deb).
test-package: ## System test of the Debian package: apt install into a booted systemd, checks 1-6, upgrade, remove, purge (root)
	@for tool in jq sqlite3; do command -v $$tool >/dev/null || [ "$$(id -u)" != 0 ] || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool || exit 1; done
	bash Tests/System/system-test.sh deb

TEST_STEPS += test-package
.PHONY: test-package
