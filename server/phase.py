"""The venue's phase (pre_event, in_session, post_event, closed): fold and service."""
from server import events as ev
from server import ledger
from server.errors import check

NAME = "meta"


def touches(event):
    """Return the meta fields an event may change."""
    return ["phase"] if event["type"] == ev.PHASE_CHANGED else []


def apply(state, event):
    """Fold a phase change into the meta projection."""
    if event["type"] != ev.PHASE_CHANGED:
        return {}
    return {"phase": {"phase": event["data"]["phase"], "since": event["ts"], "event_id": event["id"]}}


def current(ctx, meta=None):
    """Return (phase, since ISO or None) from the meta projection."""
    meta = ctx.store.projection(NAME) if meta is None else meta
    entry = meta.get("phase")
    if not entry:
        return ctx.venue.default_phase, None
    return entry["phase"], entry["since"]


def change_phase(ctx, *, actor, phase, idem=None):
    """Move the venue into another phase."""
    check({} if phase in ctx.venue.phase_ids() else {"phase": f"unknown phase {phase!r}"})
    previous, _ = current(ctx)
    event = ev.draft(ev.PHASE_CHANGED, actor=actor, data={"phase": phase, "previous": previous})
    return ledger.record(ctx, [event], idem=idem, body=lambda envs: {"event": envs[0]})


def ensure_phase(ctx):
    """Open the venue in its default phase on first start (idempotent across processes)."""
    if ctx.store.projection(NAME).get("phase"):
        return
    event = ev.draft(ev.PHASE_CHANGED, actor=ev.SYSTEM_ACTOR,
                     data={"phase": ctx.venue.default_phase, "previous": None})
    idem = ledger.system_idempotency("bootstrap-phase", {"phase": ctx.venue.default_phase})
    ledger.record(ctx, [event], idem=idem)
