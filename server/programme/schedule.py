"""The programme at a moment: today's meetings, their state, the meeting at hand, the phase it proposes.

A meeting of a date is one occurrence, id `DATE.MEETING` (e.g. `2026-05-18.plenary`): the daily
template's plenary on two dates is two meetings. Times are venue-local in the file and UTC here.
Pure: the venue, a moment and projection entries in; no I/O.
"""
import dataclasses
import datetime as dt
import zoneinfo

from server import events as ev
from server.programme.settings import KEY, edited_day

PRE_EVENT, IN_SESSION, POST_EVENT = "pre_event", "in_session", "post_event"
UPCOMING, CHECK_DUE, CLEARING, DONE = "upcoming", "check_due", "clearing", "done"


def programme(venue):
    """Return the venue's programme (empty when the file has none)."""
    return venue.section(KEY)


def edited(venue, edits):
    """Return the venue with the commanders' edits (the programme projection's entries) in force:
    an edited date (or the `daily` template) replaces the file's."""
    days = [edited_day(e["date"], e["meetings"]) for e in (edits or {}).values() if e]
    if not days:
        return venue
    return dataclasses.replace(venue, sections={**venue.sections, KEY: programme(venue).with_days(days)})


def _local(venue, date, minutes):
    """Return the aware UTC moment of a venue-local date and minutes after midnight."""
    tz = zoneinfo.ZoneInfo(venue.timezone)
    naive = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minutes)
    return naive.replace(tzinfo=tz).astimezone(dt.timezone.utc)


def hm(minutes):
    """Return minutes after midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def occurrences(venue, date):
    """Return the meetings of a venue-local date, by start, as dicts with UTC moments."""
    found = []
    for m in programme(venue).meetings_on(date):
        check_from = max(0, m.start - m.check_before_min)
        found.append({"meeting_id": f"{date.isoformat()}.{m.id}", "date": date.isoformat(), "name": m.name,
                      "zones": list(m.zones), "check_before_min": m.check_before_min,
                      "start": _local(venue, date, m.start), "end": _local(venue, date, m.end),
                      "check_from": _local(venue, date, check_from),
                      "start_local": hm(m.start), "end_local": hm(m.end), "check_from_local": hm(check_from)})
    return found


def local_date(venue, now):
    """Return the venue-local date of a moment."""
    return now.astimezone(zoneinfo.ZoneInfo(venue.timezone)).date()


def today(venue, now):
    """Return today's meetings (venue-local), by start."""
    return occurrences(venue, local_date(venue, now))


def find(venue, meeting_id):
    """Return the meeting `DATE.MEETING`, or None."""
    date, _, _ = str(meeting_id).partition(".")
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return None
    return next((m for m in occurrences(venue, day) if m["meeting_id"] == meeting_id), None)


def at_hand(venue, now):
    """Return the meeting the pre-session check is for: today's first not yet ended, or None."""
    return next((m for m in today(venue, now) if m["end"] > now), None)


def started_by(venue, moment):
    """Return the meeting a clearance round opened at `moment` follows: today's last started, or None."""
    started = [m for m in today(venue, moment) if m["start"] <= moment]
    return started[-1] if started else None


def upcoming(venue, now):
    """Return the next meeting not yet ended (tomorrow's first after today's last), or None."""
    return at_hand(venue, now) or next(iter(occurrences(venue, local_date(venue, now) + dt.timedelta(days=1))), None)


def cleared_after(meeting, round_entry):
    """Tell whether a clearance round opened after the meeting began has completed."""
    return bool(round_entry and round_entry.get("completed_at")
                and ev.parse_iso(round_entry["started_at"]) >= meeting["start"])


def state(meeting, now, round_entry=None):
    """Return a meeting's state: upcoming, check_due, in_session, clearing (until cleared) or done."""
    if now < meeting["check_from"]:
        return UPCOMING
    if now < meeting["start"]:
        return CHECK_DUE
    if now < meeting["end"]:
        return IN_SESSION
    return DONE if cleared_after(meeting, round_entry) else CLEARING


def proposal(venue, now, phase):
    """Return the phase change the programme proposes now ({phase, meeting, at}), or None.

    In a meeting's hours the programme proposes in_session; after a meeting ended (before the
    next starts) while the venue is still in session, post_event; once the next meeting's check
    is due while the venue is in post_event or closed, pre_event. A commander confirms; the
    watcher only raises the proposal.
    """
    meetings = today(venue, now)
    phases = set(venue.phase_ids())
    running = next((m for m in meetings if m["start"] <= now < m["end"]), None)
    if running:
        return {"phase": IN_SESSION, "meeting": running, "at": running["start"]} \
            if phase != IN_SESSION and IN_SESSION in phases else None
    checking = next((m for m in meetings if m["check_from"] <= now < m["start"]), None)
    if checking and phase not in (PRE_EVENT, IN_SESSION) and PRE_EVENT in phases:
        # the next meeting's check is due while the venue is still cleared or closed
        return {"phase": PRE_EVENT, "meeting": checking, "at": checking["check_from"]}
    ended = [m for m in meetings if m["end"] <= now]
    if ended and phase == IN_SESSION and POST_EVENT in phases:
        return {"phase": POST_EVENT, "meeting": ended[-1], "at": ended[-1]["end"]}
    return None


def windows(venue, meeting_id):
    """Return (from, to) UTC of a meeting's events: its check's start to the next meeting's check.

    The last meeting of a day runs to the venue-local midnight. None for an unknown meeting.
    """
    meeting = find(venue, meeting_id)
    if not meeting:
        return None
    day = occurrences(venue, dt.date.fromisoformat(meeting["date"]))
    later = [m for m in day if m["start"] > meeting["start"]]
    end = later[0]["check_from"] if later else _local(venue, dt.date.fromisoformat(meeting["date"]), 24 * 60)
    return meeting["check_from"], max(end, meeting["end"])
