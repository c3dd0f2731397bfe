"""Patrol services: record a check-in, flag a missed window, the overdue timer."""
import datetime as dt

from server import events as ev
from server import ledger, phase
from server.alerts import fold as alerts
from server.errors import Conflict, Text, check
from server.patrols import codes
from server.patrols.fold import CHECKIN, NAME, OVERDUE, missed_window

# A phone's outbox may hold a check-in for days (DESIGN §1.4); farther back is a typo.
OBSERVED_MAX_AGE = dt.timedelta(days=7)
# Phones' clocks run fast: up to this far ahead is clamped to the server's time (a check-in
# cannot make a gate look visited in the future); farther ahead is refused as a wrong clock.
OBSERVED_MAX_AHEAD = dt.timedelta(minutes=5)


def observed_time(observed_at, now):
    """Return (field errors, observed ISO time clamped to now, or None)."""
    if observed_at is None:
        return {}, None
    try:
        moment = observed_at.astimezone(dt.timezone.utc)
    except OverflowError:  # year 1 at +08:00 has no UTC counterpart
        return {"observed_at": Text("is out of range", "超出范围")}, None
    if moment > now + OBSERVED_MAX_AHEAD:
        return {"observed_at": Text("is in the future: check the phone's clock",
                                    "时间在未来：请检查手机时钟")}, None
    if moment < now - OBSERVED_MAX_AGE:
        return {"observed_at": Text("is more than 7 days ago", "早于 7 天前")}, None
    return {}, ev.iso(min(moment, now))


def scanned(ctx, code, checkpoint_id, fields):
    """Return the proof a scanned code gives ({method, key_id}); a refused code goes in fields."""
    if code is None:
        return {"method": "manual"}
    try:
        scanned_id, key_id = codes.verify(ctx.settings, ctx.venue, code)
    except codes.CodeRefused as refused:
        fields["code"] = refused.reason
        return {}
    if scanned_id != checkpoint_id:
        fields["code"] = codes.MISMATCH
    return {"method": "qr", "key_id": key_id}


def record_checkin(ctx, *, actor, checkpoint_id, status, note=None, observed_at=None, code=None, idem=None):
    """Record a guard's check-in at a checkpoint (observed_at: an aware datetime or None).

    With `code` (a scanned QR payload) the check-in is proof of presence (method qr), once
    the venue's signature is verified; without it, it is a manual one.
    """
    fields, observed = observed_time(observed_at, ev.utc_now())
    cp = ctx.venue.checkpoint(checkpoint_id)
    if not cp:
        fields["checkpoint_id"] = Text("unknown checkpoint", "未知的检查点")
    proof = scanned(ctx, code, checkpoint_id, fields)
    check(fields)
    event = ev.draft(CHECKIN, actor=actor, observed_at=observed,
                     data={"checkpoint_id": cp.id, "status": status, "note": (note or "").strip(), **proof},
                     locations=[cp.id, cp.zone_id])
    return ledger.record(ctx, [event], idem=idem, body=lambda envs: {"event": envs[0]})


def flag_overdue(ctx, *, checkpoint_id, due, phase_id, since=None, now=None):
    """Record a missed patrol window and raise its alert, once (idempotent by window).

    With `since` and `now`, the window is judged again on the state the commit guards: a
    check-in that landed after the watcher's read answers Conflict instead of a false alert.
    """
    cp = ctx.venue.checkpoint(checkpoint_id)
    interval = ctx.venue.interval_min(checkpoint_id, phase_id)
    due_at = ev.iso(due)
    alert_id = f"overdue-{cp.id}-{int(due.timestamp() * 1000)}"
    overdue = ev.draft(OVERDUE, actor=ev.SYSTEM_ACTOR, locations=[cp.id, cp.zone_id],
                       data={"checkpoint_id": cp.id, "due_at": due_at, "interval_min": interval,
                             "phase": phase_id})
    alert = ev.draft(alerts.RAISED, actor=ev.SYSTEM_ACTOR, locations=[cp.id, cp.zone_id],
                     data={"alert_id": alert_id, "kind": "patrol_overdue", "checkpoint_id": cp.id,
                           "due_at": due_at, "severity": 2 if cp.kind == "entrance" else 3})
    idem = ledger.system_idempotency(alert_id, {"checkpoint_id": cp.id, "due_at": due_at})

    def still_missed(state):
        """Refuse when the window is no longer missed on the state this commit guards."""
        if now is not None and missed_window(state[NAME].get(cp.id), interval, since, now) != due:
            raise Conflict(f"{cp.id} was visited meanwhile")
    return ledger.record(ctx, [overdue, alert], idem=idem, rule=still_missed)


def check_overdue(ctx, now):
    """Flag every checkpoint whose patrol window passed without a check-in, once per window."""
    _, proj = ctx.store.snapshot([phase.NAME, NAME])
    current, since = phase.current(ctx, proj[phase.NAME])
    flagged = []
    for cp in ctx.venue.checkpoints:
        interval = ctx.venue.interval_min(cp.id, current)
        due = missed_window(proj[NAME].get(cp.id), interval, since, now)
        if not due:
            continue
        try:
            flag_overdue(ctx, checkpoint_id=cp.id, due=due, phase_id=current, since=since, now=now)
        except Conflict:
            continue  # a guard checked in between the read and the commit: nothing was missed
        flagged.append(cp.id)
    return flagged
