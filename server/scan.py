"""The watcher timers' scans: the few entries that need a human, followed along the stream.

A timer looks for the few entries that need a human (an incident nobody acknowledged, an
assignment nobody accepted, an open alert, a hazard left open) among every entry of the
retention period: at a congress, tens of thousands. Decoding them all every watcher tick cost
~0.45 s of CPU per tick over a million events, which every request running meanwhile waited
for. So the first scan reads the projection whole, in a worker thread (server/offload.py), and
keeps the matches as stored; the next scans read only the events since and the entries those
events touch (the folds' `touches`, exact for every fold whose writes are not IfNewer, which the
commit relies on too). A scan reads the projection whole again when more events came than a
quarter of its entries, and at least every RESCAN_S seconds.
"""
import json
import time
from dataclasses import dataclass, field

from server import ledger
from server.offload import run_heavy

RESCAN_S = 300  # a followed scan is read whole again after this long, whatever happened
FOLLOW_MAX = 20_000  # events past which reading the projection whole is the cheaper way
FOLLOW_SHARE = 4  # ... or past a quarter of its entries


@dataclass
class Kept:
    """One timer's matches as stored (JSON text), and the stream position they hold at."""

    cursor: str
    count: int  # events in the stream up to cursor (it is never trimmed)
    since: float  # time.monotonic() of the last whole read
    texts: dict = field(default_factory=dict)


def matching(ctx, name, keep):
    """Return {field: entry} (opened) of a projection's entries for which keep(entry) holds.

    `keep` sees the entry as stored, so it may read only fields that are never sealed; it must
    depend on the entry alone, not on the time, and be the same function object each call (a
    module-level function): its matches are followed along the stream under that key.
    """
    kept = _followed(ctx, name, keep, ctx.scans.get((name, keep))) or _scanned(ctx, name, keep)
    ctx.scans[(name, keep)] = kept
    return ctx.store.open_rows({name: {f: json.loads(t) for f, t in kept.texts.items()}})[name]


def _scanned(ctx, name, keep):
    """Read a projection whole and keep its matches (decoded and filtered off the loop)."""
    # The position first: events committed meanwhile are in the projection read next, and
    # following them again from here re-reads the entries they touched, which changes nothing.
    count, cursor = ctx.store.count_events(), ctx.store.last_id()
    texts = run_heavy(ctx, _kept, ctx.store.projection_text(name), keep, kind="scan")
    return Kept(cursor=cursor, count=count, since=time.monotonic(), texts=texts)


def _followed(ctx, name, keep, kept):
    """Return kept moved to the stream's end, the entries its new events touch matched again,
    or None when the projection should be read whole instead."""
    if kept is None or time.monotonic() - kept.since > RESCAN_S:
        return None
    new = ctx.store.count_events() - kept.count
    if new <= 0:
        return kept
    if new > min(FOLLOW_MAX, max(ctx.store.projection_size(name) // FOLLOW_SHARE, 100)):
        return None
    events = ctx.store.events_after(kept.cursor, new, opened=False)
    fold = next(f for f in ctx.registry.folds if f.NAME == name)
    wanted, whole = ledger.touched([fold], events)
    if whole or not events:
        return None
    texts = dict(kept.texts)
    for fld, text in ctx.store.projection_text(name, wanted.get(name, [])).items():
        if text and _matches(text, keep):
            texts[fld] = text
        else:  # closed, acknowledged or erased since
            texts.pop(fld, None)
    return Kept(cursor=events[-1]["id"], count=kept.count + len(events), since=kept.since, texts=texts)


def _matches(text, keep):
    """Tell whether a stored entry's text matches."""
    entry = json.loads(text)
    return bool(entry) and keep(entry)


def _kept(texts, keep):
    """Return the texts of the entries that keep() accepts (pure)."""
    return {fld: text for fld, text in texts.items() if _matches(text, keep)}
