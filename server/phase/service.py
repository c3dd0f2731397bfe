"""Phase services: read the current phase, change it, open the venue on first start."""
from server import events as ev
from server import ledger
from server.errors import Conflict, Text, check
from server.phase.fold import CHANGED, NAME


def phase_name(venue, phase, lang):
    """Return a phase's name in one language (its id when the venue file names none)."""
    found = venue.find("phases", phase)
    return (found.name.get(lang) if found and found.name else None) or phase


def current(ctx, meta=None):
    """Return (phase, since ISO or None) from the meta projection."""
    meta = ctx.store.projection(NAME) if meta is None else meta
    entry = meta.get("phase")
    if not entry:
        return ctx.venue.default_phase, None
    return entry["phase"], entry["since"]


def change_phase(ctx, *, actor, phase, override_reason=None, idem=None):
    """Move the venue into another phase; a concept's gate may ask for a commander's override."""
    if phase not in ctx.venue.phase_ids():
        check({"phase": Text(f"unknown phase; one of: {', '.join(ctx.venue.phase_ids())}",
                             f"未知阶段；应为：{', '.join(ctx.venue.phase_ids())}")})
    previous, _ = current(ctx)
    data = {"phase": phase, "previous": previous}

    def gated(_state):
        """Ask every concept's gate (after a replay check: a retried change is not judged again)."""
        missing = [m for c in ctx.registry.concepts for gate in c.gates for m in gate(ctx, phase)]
        if missing and not override_reason:
            en, zh = phase_name(ctx.venue, phase, "en"), phase_name(ctx.venue, phase, "zh-CN")
            raise Conflict(Text(f"Not ready for {en}: " + "; ".join(m["en"] for m in missing),
                                f"尚未具备进入“{zh}”的条件：" + "；".join(m["zh"] for m in missing)),
                           code="not_ready", current={"missing": missing})
        if missing:
            data.update(override_reason=override_reason, overridden=[m["key"] for m in missing])
    event = ev.draft(CHANGED, actor=actor, data=data)
    return ledger.record(ctx, [event], idem=idem, rule=gated, body=lambda envs: {"event": envs[0]})


def ensure_phase(ctx):
    """Open the venue in its default phase on first start (idempotent across processes)."""
    if ctx.store.projection(NAME).get("phase"):
        return
    event = ev.draft(CHANGED, actor=ev.SYSTEM_ACTOR,
                     data={"phase": ctx.venue.default_phase, "previous": None})
    idem = ledger.system_idempotency("bootstrap-phase", {"phase": ctx.venue.default_phase})
    ledger.record(ctx, [event], idem=idem)
