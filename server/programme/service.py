"""Programme services: today's row for the pages, the scopes of readiness and clearance, and the
watcher's proposal of the phase the programme says is due (a commander confirms it)."""
import datetime as dt
import re

from server import events as ev
from server import ledger
from server.alerts.fold import RAISED
from server.errors import NotFound, Text, check
from server.phase.service import current
from server.programme import schedule, settings
from server.programme.fold import DAY_RESET, DAY_SET, NAME
from server.venue import SectionError

PHASE_DUE = "phase_due"  # the alert's kind
ALERT_SEVERITY = 3


def _row(meeting, now, round_entry):
    """Return a meeting as a MeetingRow dict."""
    times = {k: ev.iso(meeting[k]) for k in ("start", "end", "check_from")}
    return {**meeting, **times, "state": schedule.state(meeting, now, round_entry)}


def today_row(venue, now, phase, round_entry):
    """Return today's programme: the meetings with their state, the next one and the proposal."""
    meetings = [_row(m, now, round_entry) for m in schedule.today(venue, now)]
    upcoming = schedule.upcoming(venue, now)
    proposed = schedule.proposal(venue, now, phase)
    return {"day": schedule.local_date(venue, now).isoformat(), "meetings": meetings,
            "next": _row(upcoming, now, round_entry) if upcoming else None,
            "next_is_tomorrow": bool(upcoming and not schedule.at_hand(venue, now)),
            "proposal": proposed and {"phase": proposed["phase"], "meeting_id": proposed["meeting"]["meeting_id"],
                                      "name": proposed["meeting"]["name"], "at": ev.iso(proposed["at"]),
                                      "at_local": _local_moment(proposed)}}


def _local_moment(proposed):
    """Return the venue-local HH:MM a proposal is for: the meeting's check (pre_event), start (in_session) or end."""
    return proposed["meeting"][{schedule.PRE_EVENT: "check_from_local", schedule.IN_SESSION: "start_local"}.get(
        proposed["phase"], "end_local")]


def readiness_scope(venue, now):
    """Return {meeting_id, zones, since} the pre-session check covers now, or None (every area)."""
    meeting = schedule.programme(venue) and schedule.at_hand(venue, now)
    if not meeting:
        return None
    return {"meeting_id": meeting["meeting_id"], "zones": meeting["zones"], "since": ev.iso(meeting["check_from"])}


def clearance_scope(venue, round_entry):
    """Return the meeting a clearance round follows ({meeting_id, zones}), or None (every zone)."""
    if not round_entry or not round_entry.get("started_at") or not schedule.programme(venue):
        return None
    meeting = schedule.started_by(venue, ev.parse_iso(round_entry["started_at"]))
    return meeting and {"meeting_id": meeting["meeting_id"], "zones": meeting["zones"]}


def planned(ctx, edits=None):
    """Return the venue with the commanders' programme edits in force (`edits`: the projection, when read)."""
    return schedule.edited(ctx.venue, ctx.store.projection(NAME) if edits is None else edits)


def propose_phase(ctx, now):
    """Raise one `phase_due` alert when the programme says a meeting starts (or ended) and the
    venue's phase does not follow yet; nothing changes until a commander confirms."""
    venue = planned(ctx)
    if not schedule.programme(venue):
        return []
    proposed = schedule.proposal(venue, now, current(ctx)[0])
    if not proposed:
        return []
    meeting = proposed["meeting"]
    alert_id = f"phase-due-{meeting['meeting_id']}-{proposed['phase']}"
    event = ev.draft(RAISED, actor=ev.SYSTEM_ACTOR, locations=meeting["zones"][:2], data={
        "alert_id": alert_id, "kind": PHASE_DUE, "severity": ALERT_SEVERITY, "meeting_id": meeting["meeting_id"],
        "meeting_name": meeting["name"], "proposed_phase": proposed["phase"], "meeting_at": _local_moment(proposed),
        "due_until": _due_until(venue, proposed, now)})
    committed = ledger.record(ctx, [event], idem=ledger.system_idempotency(alert_id, {"meeting": meeting["meeting_id"]}))
    return [] if committed.replayed else [alert_id]


def _due_until(venue, proposed, now):
    """Return when a proposal lapses: the meeting's start (pre_event), its end (in_session), the next start."""
    meeting = proposed["meeting"]
    if proposed["phase"] == schedule.PRE_EVENT:
        return ev.iso(meeting["start"])
    if proposed["phase"] == schedule.IN_SESSION:
        return ev.iso(meeting["end"])
    return _next_start(venue, meeting, now)


def _next_start(venue, meeting, now):
    """Return when the proposal after a meeting lapses: the next meeting's start, or the day's end."""
    later = [m for m in schedule.today(venue, now) if m["start"] >= meeting["end"]]
    return ev.iso(later[0]["start"] if later else schedule.windows(venue, meeting["meeting_id"])[1])


def phase_followed(entry, alert):
    """Close a phase_due alert once the venue is in the proposed phase, or its moment has passed."""
    if entry and entry.get("phase") == alert.get("proposed_phase"):
        return "phase_changed"
    until = alert.get("due_until")
    return "meeting_passed" if until and ev.utc_now() >= ev.parse_iso(until) else None


def meeting_window(venue, meeting_id):  # venue: planned(ctx)
    """Return (from_ms, to_ms) inclusive of a meeting's events, or None for an unknown meeting.

    From its security check's start to the next meeting's check (the last meeting of a day: to
    the venue-local midnight), so the check, the session and the clearance after it are inside.
    """
    found = schedule.windows(venue, meeting_id)
    if not found:
        return None
    start, end = found
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000) - 1


FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)  # beyond: no congress, and time zones overflow
OUT_OF_RANGE = Text("expected a date from 2000 to 2999", "应为 2000 至 2999 年之间的日期")
PAST_DAY = Text("a past day is part of the record and cannot be changed", "过去的日期已成记录，不能修改")
UNKNOWN_ZONE = Text("unknown zone {zone}", "未知区域 {zone}")
# settings' English problems -> Chinese, for a commander reading zh (the key names the field)
PROBLEMS_ZH = {"must be after start": "结束时间应晚于开始时间", "duplicate meeting id": "同一天的会议编号重复",
               "overlaps meeting": "与另一会议时间重叠（同一时间只开一个会议）"}


def _field(where):
    """Return a settings key path (`meetings[1].start`) as the API names fields (`meetings.1.start`)."""
    return re.sub(r"\[(\d+)\]", r".\1", where)


def _problem(err):
    """Return a SectionError as a field error in both languages."""
    zh = next((z for en, z in PROBLEMS_ZH.items() if err.message.startswith(en)), err.message)
    return {_field(err.where): Text(err.message, zh)}


def _check_editable(ctx, date):
    """Refuse a date a commander may not change: a past day (the record) or beyond LAST_DAY."""
    if date == settings.DAILY:
        return
    if date < schedule.local_date(ctx.venue, ev.utc_now()).isoformat():
        check({"date": PAST_DAY})
    if date > LAST_DAY.isoformat():
        check({"date": OUT_OF_RANGE})


def _checked_day(ctx, date, meetings):
    """Return the parsed Day of a commander's edit, or raise InvalidInput naming the field."""
    _check_editable(ctx, date)
    try:
        day = settings.edited_day(date, meetings)
    except SectionError as err:
        check(_problem(err))
    unknown = settings.unknown_zone(ctx.venue, day, "")
    if unknown:
        check({_field(unknown[0]): Text(UNKNOWN_ZONE.format(zone=unknown[1]), UNKNOWN_ZONE.zh.format(zone=unknown[1]))})
    return day


def set_day(ctx, *, actor, date, meetings, reason=None, idem=None):
    """Set one day's meetings (a date from today on, or the daily template), replacing the file's."""
    _checked_day(ctx, date, meetings)
    event = ev.draft(DAY_SET, actor=actor, data={"date": date, "meetings": meetings, "reason": reason})
    return ledger.record(ctx, [event], idem=idem, body=lambda envs: {"event": envs[0]})


def reset_day(ctx, *, actor, date, reason=None, idem=None):
    """Put the venue file's day back in force for a date a commander edited."""
    if not re.match(r"^(\d{4}-\d{2}-\d{2}|daily)$", date):
        check({"date": Text("expected YYYY-MM-DD or daily", "应为 YYYY-MM-DD 或 daily")})
    _check_editable(ctx, date)

    def edited(state):
        """Refuse a date nobody edited (after a replay check: a retried reset answers as before)."""
        if not ctx.store.projection(NAME).get(date):
            raise NotFound(Text("This day was not edited: the venue file's day is in force.",
                                "该日未被修改：场馆文件中的安排仍然有效。"))
    event = ev.draft(DAY_RESET, actor=actor, data={"date": date, "reason": reason})
    return ledger.record(ctx, [event], idem=idem, rule=edited, body=lambda envs: {"event": envs[0]})


def _planned(meeting):
    """Return a parsed Meeting in the venue file's shape."""
    return {"id": meeting.id, "name": meeting.name, "start": schedule.hm(meeting.start),
            "end": schedule.hm(meeting.end), "zones": list(meeting.zones), "check_before_min": meeting.check_before_min}


def planned_day(venue, edits, date, now):
    """Return one date's day as the editor shows it: its meetings, where they come from, who edited."""
    prog = schedule.programme(venue)
    by_date = {d.date: d for d in prog.days}
    edit = (edits or {}).get(date.isoformat())
    source = "edited" if edit else "file" if date.isoformat() in by_date else "template" if settings.DAILY in by_date else "none"
    return {"date": date.isoformat(), "source": source, "meetings": [_planned(m) for m in prog.meetings_on(date)],
            "occurrences": [_row(m, now, None) for m in schedule.occurrences(venue, date)],
            "edited_by": edit and edit["by"], "edited_at": edit and edit["at"], "reason": edit and edit.get("reason")}


def days(ctx, *, first=None, last=None):
    """Return the programme from `first` to `last` (venue-local dates; default: a week from today)
    and the daily template, with the commanders' edits in force."""
    edits = ctx.store.projection(NAME)
    venue, now = schedule.edited(ctx.venue, edits), ev.utc_now()
    first = first or schedule.local_date(venue, now)
    for name, date in (("from", first), ("to", last)):
        if date and not FIRST_DAY <= date <= LAST_DAY:
            check({name: OUT_OF_RANGE})
    last = last or min(first + dt.timedelta(days=6), LAST_DAY)
    if last < first or (last - first).days > 61:
        check({"to": Text("expected a date from `from` to 62 days after it", "应为 from 起 62 天内的日期")})
    template = next((d for d in schedule.programme(venue).days if d.date == settings.DAILY), None)
    template_edit = edits.get(settings.DAILY)
    return {"days": [planned_day(venue, edits, first + dt.timedelta(days=i), now) for i in range((last - first).days + 1)],
            "template": template and {"date": settings.DAILY, "source": "edited" if template_edit else "file",
                                      "meetings": [_planned(m) for m in template.meetings], "occurrences": [],
                                      "edited_by": template_edit and template_edit["by"],
                                      "edited_at": template_edit and template_edit["at"],
                                      "reason": template_edit and template_edit.get("reason")}}
