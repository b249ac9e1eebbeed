# The HTML report (issue 12) rendered in real headless Chromium: Debian's `chromium`, installed when
# missing. The test saves the page and its screenshot under .build/report-html/ and counts the rendered
# DOM's chart rows; COACHD_CHROMIUM=required makes a missing browser a failure instead of a skip.
TEST_STEPS += report-html-test

chromium-deps: ## Install Debian's chromium when missing (for the HTML report's rendering test)
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing: chromium"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	}

report-html-test: chromium-deps ## Render `coachctl report --html` in headless Chromium; screenshot + DOM checks
	COACHD_CHROMIUM=required $(SWIFT) test $(SWIFT_FLAGS) --skip-build --filter ReportHTMLTests
	@echo "screenshot: .build/report-html/report.png"

.PHONY: chromium-deps report-html-test
