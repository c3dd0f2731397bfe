"""Phase services: read the current phase, change it, open the venue on first start."""
from server import events as ev
from server import ledger
from server.errors import Text, check
from server.phase.fold import CHANGED, NAME


def current(ctx, meta=None):
    """Return (phase, since ISO or None) from the meta projection."""
    meta = ctx.store.projection(NAME) if meta is None else meta
    entry = meta.get("phase")
    if not entry:
        return ctx.venue.default_phase, None
    return entry["phase"], entry["since"]


def change_phase(ctx, *, actor, phase, idem=None):
    """Move the venue into another phase."""
    if phase not in ctx.venue.phase_ids():
        check({"phase": Text(f"unknown phase; one of: {', '.join(ctx.venue.phase_ids())}",
                             f"未知阶段；应为：{', '.join(ctx.venue.phase_ids())}")})
    previous, _ = current(ctx)
    event = ev.draft(CHANGED, actor=actor, data={"phase": phase, "previous": previous})
    return ledger.record(ctx, [event], idem=idem, body=lambda envs: {"event": envs[0]})


def ensure_phase(ctx):
    """Open the venue in its default phase on first start (idempotent across processes)."""
    if ctx.store.projection(NAME).get("phase"):
        return
    event = ev.draft(CHANGED, actor=ev.SYSTEM_ACTOR,
                     data={"phase": ctx.venue.default_phase, "previous": None})
    idem = ledger.system_idempotency("bootstrap-phase", {"phase": ctx.venue.default_phase})
    ledger.record(ctx, [event], idem=idem)
