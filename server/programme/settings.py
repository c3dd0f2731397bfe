"""The venue file's optional `programme` section: the event's days and meetings.

    programme:
      - date: daily            # a template applied to every date no dated day lists
        meetings:
          - id: plenary
            name: {zh-CN: 全体会议, en: Plenary session}
            start: "09:00"        # venue-local; quote it (YAML reads 14:00 unquoted as a number)
            end: "12:00"
            zones: [main_hall, lobby]
            check_before_min: 60  # the security check is due this long before the start
      - date: 2026-05-18       # a dated day replaces the template on that date
        meetings: [...]

A venue without a programme behaves as before (readiness and clearance cover every zone).
Zone ids are checked against the venue by `check` (the loader's cross-section check), so the
first problem names the file and the key. Pure: no I/O, no Flask, no Redis.
"""
from dataclasses import dataclass
import datetime as dt
import re

from server.venue import SectionError

KEY = "programme"
DAILY = "daily"
ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
LANGS = ("zh-CN", "en")
MEETING_KEYS = ("id", "name", "start", "end", "zones", "check_before_min")
DEFAULT_CHECK_BEFORE_MIN = 60


@dataclass(frozen=True)
class Meeting:
    """One meeting of a day: names, venue-local start and end (minutes after midnight), zones."""

    id: str
    name: dict
    start: int
    end: int
    zones: tuple
    check_before_min: int = DEFAULT_CHECK_BEFORE_MIN


@dataclass(frozen=True)
class Day:
    """A day of the programme: a date (YYYY-MM-DD) or `daily`, and its meetings by start."""

    date: str
    meetings: tuple  # by start
    listed: tuple = ()  # as the file lists them (error keys name these indexes)


@dataclass(frozen=True)
class Programme:
    """The days of the programme; empty when the venue file has none."""

    days: tuple = ()

    def __bool__(self):
        return bool(self.days)

    def with_days(self, days):
        """Return the programme with these days in place of the file's (a commander's edits)."""
        mine = {d.date for d in days}
        return Programme(tuple(d for d in self.days if d.date not in mine) + tuple(days))

    def meetings_on(self, date):
        """Return the meetings of a venue-local date: its dated day's, else the daily template's."""
        by_date = {d.date: d for d in self.days}
        day = by_date.get(date.isoformat()) or by_date.get(DAILY)
        return day.meetings if day else ()


def _name(where, value):
    """Check a {zh-CN, en} name; return it."""
    if not isinstance(value, dict) or set(value) != set(LANGS) or not all(
            isinstance(value[lang], str) and value[lang].strip() for lang in LANGS):
        raise SectionError(where, "expected {zh-CN: …, en: …} with both names")
    return {lang: value[lang].strip() for lang in LANGS}


def _minutes(where, value):
    """Check a venue-local "HH:MM"; return minutes after midnight."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise SectionError(where, f'expected "HH:MM" in quotes (YAML read {value!r} as a number)')
    match = HM.match(value) if isinstance(value, str) else None
    if not match:
        raise SectionError(where, f'expected a venue-local time "HH:MM", got {value!r}'[:120])
    return int(match[1]) * 60 + int(match[2])


def _zones(where, value):
    """Check a non-empty list of zone ids (the venue check knows which exist)."""
    if not isinstance(value, list) or not value:
        raise SectionError(where, "expected a non-empty list of zone ids")
    for i, zone in enumerate(value):
        if not isinstance(zone, str) or not ID.match(zone):
            raise SectionError(f"{where}[{i}]", f"expected a zone id, got {zone!r}"[:120])
    return tuple(value)


def _meeting(where, value):
    """Parse one meeting."""
    if not isinstance(value, dict):
        raise SectionError(where, "expected a mapping with " + ", ".join(MEETING_KEYS))
    for key in value:
        if key not in MEETING_KEYS:
            raise SectionError(f"{where}.{key}", f"unknown key (allowed: {', '.join(MEETING_KEYS)})")
    for key in MEETING_KEYS[:5]:
        if key not in value:
            raise SectionError(f"{where}.{key}", "required key is missing")
    if not isinstance(value["id"], str) or not ID.match(value["id"]):
        raise SectionError(f"{where}.id", "expected 1-64 of A-Z a-z 0-9 _ -")
    start, end = _minutes(f"{where}.start", value["start"]), _minutes(f"{where}.end", value["end"])
    if end <= start:
        raise SectionError(f"{where}.end", "must be after start (a meeting ends on the day it starts)")
    before = value.get("check_before_min", DEFAULT_CHECK_BEFORE_MIN)
    if isinstance(before, bool) or not isinstance(before, int) or not 0 <= before <= 720:
        raise SectionError(f"{where}.check_before_min", f"expected whole minutes from 0 to 720, got {before!r}"[:120])
    return Meeting(value["id"], _name(f"{where}.name", value["name"]), start, end,
                   _zones(f"{where}.zones", value["zones"]), before)


def _date(where, value):
    """Check a day's date: YYYY-MM-DD (YAML may have read it as a date already) or `daily`."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if value == DAILY:
        return DAILY
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise SectionError(where, f"expected a date YYYY-MM-DD or 'daily', got {value!r}"[:120]) from None


def _day(where, value, may_be_empty=False):
    """Parse one day: its date and its meetings, which may not overlap."""
    if not isinstance(value, dict) or set(value) - {"date", "meetings"} or "date" not in value:
        raise SectionError(where, "expected a mapping with date and meetings")
    date = _date(f"{where}.date", value["date"])
    raw = value.get("meetings")
    if not isinstance(raw, list) or not (raw or may_be_empty):
        raise SectionError(f"{where}.meetings", "expected a non-empty list of meetings")
    meetings = [_meeting(f"{where}.meetings[{i}]", m) for i, m in enumerate(raw)]
    seen = {}
    for i, meeting in enumerate(meetings):
        if meeting.id in seen:
            raise SectionError(f"{where}.meetings[{i}].id", f"duplicate meeting id {meeting.id!r} on this day")
        seen[meeting.id] = meeting
    ordered = sorted(meetings, key=lambda m: m.start)
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start < earlier.end:
            i = meetings.index(later)
            raise SectionError(f"{where}.meetings[{i}].start", f"overlaps meeting {earlier.id!r} (one meeting at a time)")
    return Day(date, tuple(ordered), tuple(meetings))


def edited_day(date, meetings):
    """Parse a commander's day (no meetings: that date has none), or raise SectionError naming
    the key (`meetings[1].start`) of the first problem."""
    try:
        return _day("", {"date": date, "meetings": meetings}, may_be_empty=True)
    except SectionError as err:
        raise SectionError(err.where.lstrip("."), err.message) from None


def parse(value, where=KEY):
    """Return the Programme (empty when the section is absent), or raise SectionError."""
    if value is None:
        return Programme()
    if not isinstance(value, list):
        raise SectionError(where, "expected a list of days")
    days = [_day(f"{where}[{i}]", d) for i, d in enumerate(value)]
    seen = set()
    for i, day in enumerate(days):
        if day.date in seen:
            raise SectionError(f"{where}[{i}].date", f"duplicate day {day.date!r}")
        seen.add(day.date)
    return Programme(tuple(days))


def unknown_zone(venue, day, where):
    """Return (key, zone) of the first zone a day names that the venue lacks, or None."""
    zones = {z.id for z in venue.zones}
    for j, meeting in enumerate(day.listed):
        for k, zone in enumerate(meeting.zones):
            if zone not in zones:
                return f"{where}meetings[{j}].zones[{k}]", zone
    return None


def check(venue):
    """Check the programme against the rest of the venue: every zone it names exists."""
    for i, day in enumerate(venue.section(KEY).days):
        found = unknown_zone(venue, day, f"{KEY}[{i}].")
        if found:
            raise SectionError(found[0], f"unknown zone {found[1]!r}")
