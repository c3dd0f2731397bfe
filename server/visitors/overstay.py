"""Overstay: a visitor still on site after their expected_until raises one alert (watcher timer)."""
from server import events as ev
from server import ledger
from server.alerts.fold import NAME as ALERTS
from server.alerts.fold import RAISED
from server.errors import Conflict
from server.visitors.onsite import NAME as ON_SITE

SEVERITY = 3
KIND = "visitor_overstay"


def alert_id(visitor_id):
    """Return the one alert id of a visitor's overstay (raising it again is a no-op)."""
    return f"overstay-{visitor_id}"


def overstaying(on_site, now_iso):
    """Return the visitors on site whose expected_until has passed (pure)."""
    return [e for e in on_site.values() if e.get("expected_until") and e["expected_until"] <= now_iso]


def raise_overstay(ctx, entry):
    """Raise the overstay alert of one visitor, once (a system idempotency key and a guard)."""
    visitor_id, ident = entry["visitor_id"], alert_id(entry["visitor_id"])
    # No name in the alert: alerts reach display screens, which see visitors' names masked.
    event = ev.draft(RAISED, actor=ev.SYSTEM_ACTOR, locations=[entry["entrance_id"]],
                     data={"alert_id": ident, "kind": KIND, "severity": SEVERITY, "visitor_id": visitor_id,
                           "entrance_id": entry["entrance_id"], "expected_until": entry["expected_until"]})

    def not_raised(state):
        """Refuse when this visitor's overstay alert already exists."""
        if state[ALERTS].get(ident):
            raise Conflict("already raised")
    idem = ledger.system_idempotency(ident, {"visitor_id": visitor_id})
    return ledger.record(ctx, [event], idem=idem, rule=not_raised)


def check_overstays(ctx, now):
    """Alert once for every visitor on site past their expected_until; return their ids."""
    entries = ctx.store.projection(ON_SITE)  # not every visitor of the retention period
    late = overstaying(entries, ev.iso(now))
    if not late:
        return []
    known = ctx.store.projection_fields(ALERTS, [alert_id(e["visitor_id"]) for e in late])
    raised = []
    for entry in late:
        if known.get(alert_id(entry["visitor_id"])):
            continue
        try:
            committed = raise_overstay(ctx, entry)
        except Conflict:
            continue
        if not committed.replayed:
            raised.append(entry["visitor_id"])
    return raised


def left(entry, alert):
    """An overstay alert closes when the visitor is no longer on site (checked out, or purged)."""
    return "checked_out" if not (entry or {}).get("on_site") else None
