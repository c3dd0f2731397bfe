"""Programme services: today's row for the pages, the scopes of readiness and clearance, and the
watcher's proposal of the phase the programme says is due (a commander confirms it)."""
from server import events as ev
from server import ledger
from server.alerts.fold import RAISED
from server.phase.service import current
from server.programme import schedule

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
    """Return the venue-local HH:MM a proposal is for: the meeting's start (in_session) or end."""
    return proposed["meeting"]["start_local" if proposed["phase"] == schedule.IN_SESSION else "end_local"]


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


def propose_phase(ctx, now):
    """Raise one `phase_due` alert when the programme says a meeting starts (or ended) and the
    venue's phase does not follow yet; nothing changes until a commander confirms."""
    if not schedule.programme(ctx.venue):
        return []
    proposed = schedule.proposal(ctx.venue, now, current(ctx)[0])
    if not proposed:
        return []
    meeting = proposed["meeting"]
    alert_id = f"phase-due-{meeting['meeting_id']}-{proposed['phase']}"
    event = ev.draft(RAISED, actor=ev.SYSTEM_ACTOR, locations=meeting["zones"][:2], data={
        "alert_id": alert_id, "kind": PHASE_DUE, "severity": ALERT_SEVERITY, "meeting_id": meeting["meeting_id"],
        "meeting_name": meeting["name"], "proposed_phase": proposed["phase"], "meeting_at": _local_moment(proposed),
        "due_until": (ev.iso(meeting["end"]) if proposed["phase"] == schedule.IN_SESSION
                      else _next_start(ctx, meeting, now))})
    committed = ledger.record(ctx, [event], idem=ledger.system_idempotency(alert_id, {"meeting": meeting["meeting_id"]}))
    return [] if committed.replayed else [alert_id]


def _next_start(ctx, meeting, now):
    """Return when the proposal after a meeting lapses: the next meeting's start, or the day's end."""
    later = [m for m in schedule.today(ctx.venue, now) if m["start"] >= meeting["end"]]
    return ev.iso(later[0]["start"] if later else schedule.windows(ctx.venue, meeting["meeting_id"])[1])


def phase_followed(entry, alert):
    """Close a phase_due alert once the venue is in the proposed phase, or its moment has passed."""
    if entry and entry.get("phase") == alert.get("proposed_phase"):
        return "phase_changed"
    until = alert.get("due_until")
    return "meeting_passed" if until and ev.utc_now() >= ev.parse_iso(until) else None


def meeting_window(venue, meeting_id):
    """Return (from_ms, to_ms) inclusive of a meeting's events, or None for an unknown meeting.

    From its security check's start to the next meeting's check (the last meeting of a day: to
    the venue-local midnight), so the check, the session and the clearance after it are inside.
    """
    found = schedule.windows(venue, meeting_id)
    if not found:
        return None
    start, end = found
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000) - 1
