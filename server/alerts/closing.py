"""Alerts close themselves when their cause is gone (watcher timer): an escalation when the
incident is acknowledged, an overdue patrol when a guard checks in, … Each concept declares
its causes (server.concept.AlertCause); this timer only asks them."""
import json

from server import events as ev
from server import ledger, scan
from server.alerts.fold import CLOSED, NAME, open_alerts
from server.errors import Conflict


def _field(ctx, cause, alert):
    """Return the projection field holding an alert's cause, or None."""
    return cause.key(ctx, alert) if callable(cause.key) else alert.get(cause.key)


def resolved(ctx, alerts):
    """Return [(alert, reason)] for the open alerts whose cause is gone (read only)."""
    causes = ctx.registry.alert_causes()
    wanted = {}
    for alert in alerts:
        cause = causes.get(alert.get("kind"))
        field = cause and _field(ctx, cause, alert)
        if field:
            wanted.setdefault(cause.reads, {})[alert["alert_id"]] = (alert, cause, field)
    found = []
    for reads, by_alert in wanted.items():
        raw = ctx.store.projection_fields(reads, sorted({f for _, _, f in by_alert.values()}))
        for alert, cause, field in by_alert.values():
            entry = json.loads(raw[field]) if raw.get(field) else None
            reason = cause.resolved(entry, alert)
            if reason:
                found.append((alert, reason))
    return found


def close(ctx, alert, reason):
    """Record that an alert closed itself, once: a second watcher's try is a replay or a conflict."""
    alert_id = alert["alert_id"]
    event = ev.draft(CLOSED, actor=ev.SYSTEM_ACTOR, data={"alert_id": alert_id, "reason": reason},
                     locations=[p for p in (alert.get("checkpoint_id"), alert.get("location_id"),
                                            alert.get("entrance_id"), alert.get("area_id")) if p][:2])
    idem = ledger.system_idempotency(f"close-{alert_id}", {"alert_id": alert_id})

    def still_open(state):
        """Refuse when an operator acknowledged it (or it closed) after the watcher's read."""
        if (state[NAME].get(alert_id) or {}).get("status") != "open":
            raise Conflict("no longer open")
    return ledger.record(ctx, [event], idem=idem, rule=still_open)


def is_open(alert):
    """Tell whether an alert is open."""
    return alert.get("status") == "open"


def close_resolved(ctx, now):
    """Close every open alert whose cause is gone; return the ids closed by this call."""
    closed = []
    for alert, reason in resolved(ctx, open_alerts(scan.matching(ctx, NAME, is_open))):
        try:
            committed = close(ctx, alert, reason)
        except Conflict:
            continue
        if not committed.replayed:
            closed.append(alert["alert_id"])
    return closed
