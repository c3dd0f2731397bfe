"""Patrol state as a fold of events, and the due/overdue rules (pure: no I/O)."""
import datetime as dt

from server import events as ev
from server.merge import IfNewer

NAME = "patrols"
CHECKIN = "patrol.checkin"
OVERDUE = "patrol.overdue"
EVENTS = frozenset({CHECKIN, OVERDUE})


def touches(event):
    """Return the patrol entries an event's outcome depends on.

    A check-in does not read its entry (it is written IfNewer), so guards checking in at the
    same gate at once never contend; an overdue mark merges into the entry, so it reads it.
    """
    if event["type"] == OVERDUE:
        return [event["data"]["checkpoint_id"]]
    return []


def apply(state, event):
    """Fold a check-in or an overdue mark into its checkpoint's entry."""
    cp = event["data"].get("checkpoint_id")
    if event["type"] == CHECKIN:
        # IfNewer: a late outbox delivery of an older check-in must not make the gate look stale.
        return {cp: IfNewer({"checkpoint_id": cp,
                             "last_checkin_at": event.get("observed_at") or event["ts"],
                             "last_guard": event["actor"]["username"],
                             "last_status": event["data"]["status"],
                             "last_event_id": event["id"]}, "last_checkin_at")}
    if event["type"] == OVERDUE:
        entry = dict(state.get(cp) or {"checkpoint_id": cp})
        entry["overdue_due_at"] = event["data"]["due_at"]
        return {cp: entry}
    return {}


def _base_time(entry, phase_since):
    """Return when the current patrol window started: last check-in, else the phase start."""
    stamp = (entry or {}).get("last_checkin_at") or phase_since
    return ev.parse_iso(stamp) if stamp else None


def status_rows(venue, phase, phase_since, entries, now, only=None):
    """Return one status row per checkpoint (or per checkpoint id in `only`), with due time and overdue flag."""
    rows = []
    for cp in venue.checkpoints if only is None else filter(None, map(venue.checkpoint, only)):
        entry = entries.get(cp.id) or {}
        interval = venue.interval_min(cp.id, phase)
        base = _base_time(entry, phase_since)
        due = base + dt.timedelta(minutes=interval) if (interval and base) else None
        rows.append({"checkpoint_id": cp.id, "last_checkin_at": entry.get("last_checkin_at"),
                     "last_guard": entry.get("last_guard"), "last_status": entry.get("last_status"),
                     "interval_min": interval, "due_at": ev.iso(due) if due else None,
                     "overdue": bool(due and now > due)})
    return rows


def missed_window(entry, interval, phase_since, now):
    """Return the due time of the latest missed window not yet flagged, or None."""
    base = _base_time(entry, phase_since)
    if not interval or not base:
        return None
    step = dt.timedelta(minutes=interval)
    if now <= base + step:
        return None
    missed = (now - base) // step  # windows passed since the last check-in
    due = base + step * missed
    flagged = (entry or {}).get("overdue_due_at")
    if flagged and ev.parse_iso(flagged) >= due:
        return None
    return due


def _stream_order(event_id):
    """Return a stream id as a sortable pair (milliseconds, sequence)."""
    ms, _, seq = (event_id or "0-0").partition("-")
    return int(ms), int(seq or 0)


def checked_in_since(entry, alert):
    """An overdue patrol's alert closes when a guard checks in at the checkpoint after it was due
    (or after the alert was raised: a late outbox delivery of an earlier visit counts too)."""
    entry = entry or {}
    at, due = entry.get("last_checkin_at"), alert.get("due_at")
    if at and due and ev.parse_iso(at) >= ev.parse_iso(due):
        return "checked_in"
    later = entry.get("last_event_id") and alert.get("raised_event_id")
    if later and _stream_order(entry["last_event_id"]) > _stream_order(alert["raised_event_id"]):
        return "checked_in"
    return None
