"""Fold checkpoints: what the sections can show saved every N events, so a past state is cheap.

The state at any cursor is the fold of every event up to it (DESIGN §1.5). Folding a million
events for each replay step is too slow, so every `GATEWATCH_CHECKPOINT_EVERY` events (5,000)
a position is saved in Redis (server/store/checkpoints.py): the state at a cursor is then the
nearest position at or before it plus at most N events.

A position does not hold the whole state: of a congress's 80,000 visitors a section shows the
few on site. A fold may declare `still_shown(entry, venue=, when=)`: whether some section can
still show an entry at `when` or later without an event writing it again (on site, still open,
inspected today or later). A position at p keeps the entries still shown at p plus the values
at p of every entry that the next N events read — each fold's `touches(event)`, exact since the
live commit guards exactly those — so it answers every cursor in (p, p+N] exactly. Folds
without the rule are kept whole. A fold that also declares `FORGETS = True` promises more: an
entry it no longer shows is shown again only by an event that writes it whole (a visitor who
left, a closed alert, a fixed hazard, yesterday's inspection), so whatever an event does to such
an entry stays unseen, and positions and head keep nothing of it.

The writer keeps a head: the entries still shown at the newest position, and every entry of
the folds that do not forget in hashes as the projections store them, and moves it one window at a time (`advance`): it reads the window's events and the
entries they touch, saves the position it leaves, folds, and writes back what changed. Its work
is the window's, not the state's; a cursor after the head reads the head the same way.

Checkpoints are a cache and never change an answer:
- they are keyed by a hash of the server's code (`version()`); new fold code writes its own
  and drops the others';
- each position holds the SHA-256 of its content; one that does not check out is not used and
  the fold starts from nothing;
- personal fields are stored sealed under each person's data key like the projections
  (server/sealed_rows.py), so a purge reaches them.

Writers: the leader-elected watcher (`catch_up`) and `gatewatch rebuild` (`rebuild`); the
head moves in a transaction that fails if another writer moved it first.
"""
import datetime as dt
import functools
import hashlib
import json
import logging
import pathlib
import zlib
from dataclasses import dataclass, field

from server import events as ev
from server import jsontext, ledger, merge, offload, sealed_rows, snapshot
from server.store.checkpoints import Checkpoints

log = logging.getLogger("gatewatch.checkpoints")
BUDGET = 4  # windows the watcher moves the head per tick at most (it catches up over several ticks)
ATTEMPTS = 3  # reads of the head while the writer moves it, before folding from the start


@functools.cache
def version():
    """Return a short hash of the server's code: any change to a fold (or what it calls) is a new one."""
    root = pathlib.Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def folds(registry):
    """Return the folds whose projections the sections read (the state a checkpoint keeps)."""
    names, _ = snapshot.reads_needed(registry)
    return [f for f in registry.folds if f.NAME in names]


def every(ctx):
    """Return N: events between checkpoints (0: none are kept)."""
    return ctx.settings.checkpoint_every


@dataclass
class Head:
    """The newest saved position: its id, the events it covers, what the sections can show there."""

    at: str = "0-0"
    n: int = 0
    shown: dict = field(default_factory=dict)  # {name: {field: entry as stored}}


# -- encoding --------------------------------------------------------------------------

def _json(value):
    """Return compact JSON text (UTF-8 kept as it is)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _packed(stored):
    """Return the stored fields of a state as stored: compressed, hashed."""
    blob = zlib.compress(_json(stored).encode(), 1)
    return {"sha": hashlib.sha256(blob).hexdigest(), "z": blob}


def _unpacked(fields, wanted):
    """Return the state as stored in fields (sha, z); None if it does not check out."""
    blob, sha = fields.get("z") or b"", fields.get("sha") or b""
    if not blob or hashlib.sha256(blob).hexdigest() != (sha.decode() if isinstance(sha, bytes) else sha):
        return None
    try:
        state = jsontext.loads(zlib.decompress(blob))  # a position is ~4 MB
    except (ValueError, zlib.error):
        return None
    return state if isinstance(state, dict) and set(state) == wanted else None


def _fields(raw):
    """Return a stored hash's fields keyed by str."""
    return {(k.decode() if isinstance(k, bytes) else k): v for k, v in raw.items()}


def _head(ctx, raw):
    """Return the Head of stored meta fields ({}: a fresh Head); None if it does not check out."""
    if not raw:
        return Head(shown={f.NAME: {} for f in folds(ctx.registry)})
    shown = offload.run_heavy(ctx, _unpacked, raw, {f.NAME for f in folds(ctx.registry)}, kind="replay")
    try:
        return Head(at=raw["at"].decode(), n=int(raw["n"]), shown=shown) if shown is not None else None
    except (KeyError, ValueError):
        return None


def _still_shown(ctx, state, when):
    """Return the entries of a stored state some section can still show at `when` or later."""
    out = {}
    for fold in folds(ctx.registry):
        rule, entries = getattr(fold, "still_shown", None), state.get(fold.NAME, {})
        out[fold.NAME] = entries if rule is None else {
            k: v for k, v in entries.items() if v and rule(v, venue=ctx.venue, when=when)}
    return out


def _in_head(ctx):
    """Return the names of the folds whose every entry the head keeps in hashes: those with a
    `still_shown` rule that do not forget (an incident closed long ago can be reopened)."""
    return {f.NAME for f in folds(ctx.registry) if getattr(f, "still_shown", None) and not getattr(f, "FORGETS", False)}


def _window_reads(ctx, head, events):
    """Return the state as stored that a window's events read: the head's shown entries and
    the entries of the folds kept in the head that they touch (whole projections where one says WHOLE)."""
    in_head = _in_head(ctx)
    wanted, whole = ledger.touched(folds(ctx.registry), events, ctx.registry)
    wanted = {name: fields for name, fields in wanted.items() if name in in_head}
    raw = Checkpoints(ctx.store).head_entries(version(), wanted, sorted(whole & in_head))
    stored = {name: dict(entries) for name, entries in head.shown.items()}
    for name, entries in raw.items():
        stored[name].update({k: json.loads(v) for k, v in entries.items() if v})
    return stored


# -- moving the head -----------------------------------------------------------------------

def _fold_window(folds_, events, state, registry):
    """Fold events onto state in place; return {name: fields written}."""
    written = {}
    folds_for = ledger.folds_reading(folds_, registry)
    for event in events:
        for fold in folds_for(event["type"]):
            current = state.setdefault(fold.NAME, {})
            for fld, value in fold.apply(current, event).items():
                merge.apply(current, fld, value)
                written.setdefault(fold.NAME, set()).add(fld)
    return written


def advance(ctx, head, events):
    """Move the head over one window of events; return the new Head, or None if another writer did."""
    stored = _window_reads(ctx, head, events)
    saved = None
    if head.at != "0-0":  # the state before the first event is empty: nothing to save
        saved = (head.at, {"n": str(head.n), "until": events[-1]["id"], **_packed(stored)})
    state = ctx.store.open_rows({name: dict(entries) for name, entries in stored.items()})
    written = offload.run_heavy(ctx, _fold_window, folds(ctx.registry), events, state, ctx.registry, kind="replay")
    values = {name: {f: state[name][f] for f in fields if f in state[name]} for name, fields in written.items()}
    sealed = sealed_rows.seal_rows(ctx, values, {})
    in_head, shown = _in_head(ctx), {name: dict(entries) for name, entries in head.shown.items()}
    changes = {}
    for name, fields in written.items():
        for fld in fields:
            value = sealed.get(name, {}).get(fld)
            value = dict(value) if value is not None else None  # an IfNewer is stored as its dict
            if name in in_head:
                changes.setdefault(name, {})[fld] = _json(value) if value is not None else None
            shown.setdefault(name, {}).pop(fld, None)
            if value is not None:
                shown[name][fld] = value
    when = _time_of(events[-1]["id"])
    after = Head(at=events[-1]["id"], n=head.n + len(events), shown=_still_shown(ctx, shown, when))
    meta = {"at": after.at, "n": str(after.n), **offload.run_heavy(ctx, _packed, after.shown, kind="replay")}
    moved = Checkpoints(ctx.store).advance(version(), head.at, saved=saved, changes=changes, meta=meta)
    return after if moved else None


def _time_of(event_id):
    """Return the time of a stream id."""
    return dt.datetime.fromtimestamp(ev.id_ms(event_id) / 1000, dt.timezone.utc)


def catch_up(ctx, budget=BUDGET):
    """Move the head over the whole windows the stream has grown by (at most `budget`); return how many."""
    n = every(ctx)
    if n <= 0:
        return 0
    cps = Checkpoints(ctx.store)
    # The stream is never trimmed: its length says whether N more events came, without reading
    # the head's blob (every watcher tick asks).
    if ctx.store.count_events() - cps.head_count(version()) < n:
        return 0
    raw = cps.head(version())
    head = _head(ctx, raw)
    if head is None:
        log.warning("the fold checkpoints' head does not check out; `gatewatch rebuild` rewrites them")
        return 0
    if not raw:
        cps.drop(keep=version())  # other fold code's checkpoints are never read again
    moved = 0
    while moved < budget and ctx.store.count_events() - head.n >= n:
        events = ctx.store.events_after(head.at, n)
        if len(events) < n:
            break
        head = advance(ctx, head, events)
        if head is None:
            break  # another writer moved it first
        moved += 1
    return moved


def rebuild(ctx, events):
    """Rewrite every checkpoint from these events (the whole stream, oldest first); return how many."""
    n, cps = every(ctx), Checkpoints(ctx.store)
    cps.drop()
    head = _head(ctx, {})
    while n > 0 and head.n + n <= len(events):
        head = advance(ctx, head, events[head.n:head.n + n]) or _head(ctx, cps.head(version()))
        if head is None:
            break  # a damaged head written meanwhile: what was saved stays right
    return cps.count(version())


# -- reading -----------------------------------------------------------------------------

def _fold(ctx, chosen, events, state):
    """Fold events onto state off the request loop (pure CPU); return the state."""
    return offload.run_heavy(ctx, ledger.fold_all, chosen, events, state, ctx.registry, kind="replay")


def _from_head(ctx, cursor):
    """Return (state as stored, events after it up to cursor) from the head, or None."""
    cps = Checkpoints(ctx.store)
    for _ in range(ATTEMPTS):
        # Most cursors lie before the head: its position alone says so, without its blob.
        if ev.id_key(cursor) < ev.id_key(cps.head_at(version())):
            return None
        head = _head(ctx, cps.head(version()))
        if head is None or head.n == 0 or ev.id_key(cursor) < ev.id_key(head.at):
            return None
        events = ctx.store.events_after(head.at, max(ctx.store.count_events() - head.n, 1), upto=cursor)
        stored = _window_reads(ctx, head, events)
        if cps.head_at(version()) == head.at:  # else the writer moved it meanwhile: read again
            return stored, events
    return None


def _from_saved(ctx, cursor):
    """Return (state as stored, its position) of the saved position covering cursor, or None."""
    found = Checkpoints(ctx.store).at_or_before(version(), cursor)
    if found is None:
        return None
    fields = _fields(found[1])
    until = fields.get("until", b"0-0")
    until = until.decode() if isinstance(until, bytes) else until
    stored = offload.run_heavy(ctx, _unpacked, fields, {f.NAME for f in folds(ctx.registry)}, kind="replay")
    if stored is None or not ev.valid_id(until) or ev.id_key(until) < ev.id_key(cursor):
        log.warning("checkpoint %s does not check out; folding from the start", found[0])
        return None
    return stored, found[0]


def state_at(ctx, cursor):
    """Return the folds' state after the event `cursor`: a saved position plus the events since it."""
    chosen, start, state, events = folds(ctx.registry), "0-0", None, []
    if every(ctx) > 0 and cursor != "0-0":
        found = _from_head(ctx, cursor)
        if found:
            state, events = found
            start = events[-1]["id"] if events else cursor
        elif found := _from_saved(ctx, cursor):
            state, start = found
    # Only the entries a section may show are opened (server/sealed_rows.py).
    state = ledger.fold_all(chosen, [], ctx.store.open_rows(state, True) if state else None)
    if events:
        _fold(ctx, chosen, events, state)
    while start != cursor:
        batch = ctx.store.events_after(start, 2000, upto=cursor)
        if not batch:
            break
        _fold(ctx, chosen, batch, state)
        start = batch[-1]["id"]
    return state
