# Issue 13: the exported calendar parsed by a real iCalendar parser. Python's `icalendar` (PyPI) is
# installed when missing; the end-to-end test exports from a real coachd before and after a
# reschedule and runs Tools/check-ics.py on both (every event, every UID kept, SEQUENCE raised).
# COACHD_ICALENDAR=required makes a missing parser a failure instead of a skip.
TEST_STEPS += ics-test

icalendar-deps: ## Install Python's icalendar from PyPI when missing (for the calendar export test)
	@python3 -c 'import icalendar' 2>/dev/null || { \
	  echo "installing: icalendar (pip)"; \
	  python3 -m pip install --quiet --break-system-packages icalendar; \
	}

ics-test: icalendar-deps ## Parse `coachctl calendar export` from a real daemon with Python's icalendar
	COACHD_ICALENDAR=required $(SWIFT) test $(SWIFT_FLAGS) --skip-build --filter CalendarIOEndToEndTests
	@echo "exports: .build/calendar-export/"

.PHONY: icalendar-deps ics-test
