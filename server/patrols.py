"""Patrol check-ins at entrances and checkpoints: fold, due/overdue rules and services."""
import datetime as dt

from server import events as ev
from server import ledger
from server.errors import check
from server.merge import IfNewer

NAME = "patrols"
STATUSES = ("clear", "issue")
NOTE_MAX = 1000
# A phone's outbox may hold a check-in for days (DESIGN §1.4); farther back is a typo.
OBSERVED_MAX_AGE = dt.timedelta(days=7)
OBSERVED_MAX_AHEAD = dt.timedelta(minutes=5)


def touches(event):
    """Return the patrol entries an event's outcome depends on.

    A check-in does not read its entry (it is written IfNewer), so guards checking in at the
    same gate at once never contend; an overdue mark merges into the entry, so it reads it.
    """
    if event["type"] == ev.PATROL_OVERDUE:
        return [event["data"]["checkpoint_id"]]
    return []


def apply(state, event):
    """Fold a check-in or an overdue mark into its checkpoint's entry."""
    cp = event["data"].get("checkpoint_id")
    if event["type"] == ev.PATROL_CHECKIN:
        # IfNewer: a late outbox delivery of an older check-in must not make the gate look stale.
        return {cp: IfNewer({"checkpoint_id": cp,
                             "last_checkin_at": event.get("observed_at") or event["ts"],
                             "last_guard": event["actor"]["username"],
                             "last_status": event["data"]["status"],
                             "last_event_id": event["id"]}, "last_checkin_at")}
    if event["type"] == ev.PATROL_OVERDUE:
        entry = dict(state.get(cp) or {"checkpoint_id": cp})
        entry["overdue_due_at"] = event["data"]["due_at"]
        return {cp: entry}
    return {}


def _validate_checkin(venue, checkpoint_id, status, note, observed_at, now):
    """Return (field errors, normalised observed_at)."""
    fields = {}
    if not isinstance(checkpoint_id, str) or not venue.checkpoint(checkpoint_id):
        fields["checkpoint_id"] = "unknown checkpoint"
    if status not in STATUSES:
        fields["status"] = "must be clear or issue"
    if note is not None and not isinstance(note, str):
        fields["note"] = "must be text"
    elif note and len(note) > NOTE_MAX:
        fields["note"] = f"at most {NOTE_MAX} characters"
    elif status == "issue" and not (note or "").strip():
        fields["note"] = "describe the issue"
    observed = None
    if observed_at is not None:
        try:
            moment = ev.parse_iso(observed_at)
        except (ValueError, TypeError) as exc:
            fields["observed_at"] = f"not an ISO 8601 time ({exc})"
        else:
            if moment > now + OBSERVED_MAX_AHEAD:
                fields["observed_at"] = "is in the future"
            elif moment < now - OBSERVED_MAX_AGE:
                fields["observed_at"] = "is more than 7 days ago"
            observed = ev.iso(moment)
    return fields, observed


def record_checkin(ctx, *, actor, checkpoint_id, status, note=None, observed_at=None, idem=None):
    """Record a guard's check-in at a checkpoint."""
    fields, observed = _validate_checkin(ctx.venue, checkpoint_id, status, note, observed_at, ev.utc_now())
    check(fields)
    cp = ctx.venue.checkpoint(checkpoint_id)
    event = ev.draft(ev.PATROL_CHECKIN, actor=actor, observed_at=observed,
                     data={"checkpoint_id": cp.id, "status": status, "note": (note or "").strip()},
                     locations=[cp.id, cp.zone_id])
    return ledger.record(ctx, [event], idem=idem, body=lambda envs: {"event": envs[0]})


def _base_time(entry, phase_since):
    """Return when the current patrol window started: last check-in, else the phase start."""
    stamp = (entry or {}).get("last_checkin_at") or phase_since
    return ev.parse_iso(stamp) if stamp else None


def status_rows(venue, phase, phase_since, entries, now):
    """Return one status row per checkpoint, with due time and overdue flag."""
    rows = []
    for cp in venue.checkpoints:
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


def flag_overdue(ctx, *, checkpoint_id, due, phase):
    """Record a missed patrol window and raise its alert, once (idempotent by window)."""
    cp = ctx.venue.checkpoint(checkpoint_id)
    interval = ctx.venue.interval_min(checkpoint_id, phase)
    due_at = ev.iso(due)
    alert_id = f"overdue-{cp.id}-{int(due.timestamp() * 1000)}"
    overdue = ev.draft(ev.PATROL_OVERDUE, actor=ev.SYSTEM_ACTOR, locations=[cp.id, cp.zone_id],
                       data={"checkpoint_id": cp.id, "due_at": due_at, "interval_min": interval,
                             "phase": phase})
    alert = ev.draft(ev.ALERT_RAISED, actor=ev.SYSTEM_ACTOR, locations=[cp.id, cp.zone_id],
                     data={"alert_id": alert_id, "kind": "patrol_overdue", "checkpoint_id": cp.id,
                           "due_at": due_at, "severity": 2 if cp.kind == "entrance" else 3})
    idem = ledger.system_idempotency(alert_id, {"checkpoint_id": cp.id, "due_at": due_at})
    return ledger.record(ctx, [overdue, alert], idem=idem)
