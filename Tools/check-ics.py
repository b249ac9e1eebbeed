#!/usr/bin/env python3
"""Checks `coachctl calendar export` output with a real iCalendar parser (icalendar from PyPI).

Usage: check-ics.py BEFORE.ics [AFTER.ics [MOVED_UID ...]] [--forbid TEXT ...]

Every event of each file must parse and have a UID, DTSTAMP, DTSTART, a SUMMARY that starts with
"Drop-in: " or "Follow-up due: " and names two people ("A ↔ B"), an integer SEQUENCE, a STATUS of
CONFIRMED or CANCELLED, and a DTSTART in the calendar's VTIMEZONE (or a whole day). No event may
carry a DESCRIPTION, and no --forbid text (notes, focus, adaptations) may appear anywhere.
With AFTER: every UID of BEFORE is still there, and each MOVED_UID's SEQUENCE is higher in AFTER.
Exits 0 when all holds, 1 (listing every problem) when not.
"""
import sys

try:
    import icalendar
except ImportError:
    sys.exit("check-ics.py: the icalendar package is missing (pip install icalendar)")


def events(path, problems, forbidden):
    raw = open(path, "rb").read()
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append(f"{path}: a line ends in a bare LF, not CRLF")
    for physical in raw.split(b"\r\n"):
        if len(physical) > 75:
            problems.append(f"{path}: a line of {len(physical)} octets (at most 75)")
    text = raw.decode("utf-8")
    for word in forbidden:
        if word in text:
            problems.append(f"{path}: holds the forbidden text {word!r}")
    calendar = icalendar.Calendar.from_ical(raw)
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    if not zones:
        problems.append(f"{path}: no VTIMEZONE")
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        where = f"{path}: event {uid or '(no UID)'}"
        if not uid:
            problems.append(f"{where}: no UID")
        if uid in found:
            problems.append(f"{where}: UID twice")
        for name in ("DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"):
            if name not in event:
                problems.append(f"{where}: no {name}")
        if "DESCRIPTION" in event:
            problems.append(f"{where}: has a DESCRIPTION")
        summary = str(event.get("SUMMARY", ""))
        if not (summary.startswith("Drop-in: ") or summary.startswith("Follow-up due: ")) or " ↔ " not in summary:
            problems.append(f"{where}: summary {summary!r} is not 'Drop-in: A ↔ B' or 'Follow-up due: A ↔ B'")
        status = str(event.get("STATUS", ""))
        if status not in ("CONFIRMED", "CANCELLED"):
            problems.append(f"{where}: STATUS {status!r}")
        try:
            sequence = int(event.get("SEQUENCE"))
        except (TypeError, ValueError):
            problems.append(f"{where}: SEQUENCE is not a number")
            sequence = -1
        start = event.get("DTSTART")
        if start is not None:
            tzid = start.params.get("TZID")
            value = start.dt
            if hasattr(value, "hour"):
                if tzid not in zones:
                    problems.append(f"{where}: DTSTART's TZID {tzid!r} has no VTIMEZONE")
                if value.tzinfo is None:
                    problems.append(f"{where}: DTSTART has no time zone")
            elif not summary.startswith("Follow-up due: "):
                problems.append(f"{where}: a drop-in as a whole day")
        found[uid] = (sequence, status)
    return found


def main(argv):
    forbidden = []
    paths = []
    rest = list(argv)
    while rest:
        item = rest.pop(0)
        if item == "--forbid":
            forbidden.append(rest.pop(0))
        else:
            paths.append(item)
    if not paths:
        sys.exit(__doc__)
    problems = []
    before = events(paths[0], problems, forbidden)
    if not before:
        problems.append(f"{paths[0]}: no events")
    summary = f"{paths[0]}: {len(before)} events"
    if len(paths) > 1:
        after = events(paths[1], problems, forbidden)
        for uid in before:
            if uid not in after:
                problems.append(f"{paths[1]}: UID {uid} of {paths[0]} is gone")
        for uid in paths[2:]:
            if uid not in before or uid not in after:
                problems.append(f"moved UID {uid} is not in both files")
            elif after[uid][0] <= before[uid][0]:
                problems.append(f"UID {uid}: SEQUENCE {after[uid][0]} after the change, not above {before[uid][0]}")
        summary += f"; {paths[1]}: {len(after)} events, every UID kept, {len(paths) - 2} raised SEQUENCE"
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"icalendar {icalendar.__version__} parsed them: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
