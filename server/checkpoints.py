"""Fold checkpoints: the sections' inputs saved every N events, so a past state is cheap.

The state at any cursor is the fold of every event up to it (DESIGN §1.5). Folding a million
events for each replay step is too slow, so every `GATEWATCH_CHECKPOINT_EVERY` events (5,000)
the folds' state after that event is kept in Redis (server/store/checkpoints.py): the state at
a cursor is then the nearest checkpoint at or before it plus at most N events.

Checkpoints are a cache and never change an answer:
- they are keyed by a hash of the server's code (`version()`), so new fold code ignores the old
  ones (and `gatewatch rebuild` or the watcher writes new ones);
- each holds the SHA-256 of its content and the count of events it covers; one that does not
  check out is skipped for an older one, or the fold starts from nothing;
- personal fields are stored sealed under each person's data key like the projections
  (server/sealed_rows.py), so a purge reaches them: a purged visitor reads erased from a
  checkpoint exactly as from the events themselves.

Writers: the leader-elected watcher (`catch_up`, one process at a time; a second writer's
append of the same checkpoint is refused, checkpoints being at deterministic positions — every
N events from the start) and `gatewatch rebuild` (`rebuild`, which rewrites them all).
"""
import functools
import hashlib
import json
import logging
import pathlib
import zlib

from server import ledger, offload, sealed_rows, snapshot
from server.store.checkpoints import Checkpoints

log = logging.getLogger("gatewatch.checkpoints")
BUDGET = 4  # checkpoints the watcher writes per tick at most (it catches up over several ticks)


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


def encode(ctx, state, count, sealing=None):
    """Return the stored fields of a checkpoint: personal entries sealed, compressed, hashed.

    `sealing` (a dict kept across the checkpoints of one run) remembers the data keys read and
    each entry's sealed copy: an entry the events since the last checkpoint left alone is not
    sealed again (the state grows with the event; re-sealing all of it each time is quadratic).
    """
    sealing = {} if sealing is None else sealing
    stored = sealed_rows.seal_rows(ctx, state, sealing.setdefault("keys", {}), reuse=sealing.setdefault("rows", {}))
    blob = zlib.compress(_dumps(stored, sealing.setdefault("texts", {})).encode(), 1)
    return {"n": str(count), "sha": hashlib.sha256(blob).hexdigest(), "z": blob}


def _dumps(stored, texts):
    """Return the state as JSON text, each entry encoded once while it stays the same object
    (`texts`: {(name, field): (entry, its JSON)} kept across the checkpoints of one run)."""
    parts = []
    for name, values in stored.items():
        entries = []
        for fld, value in values.items():
            before = texts.get((name, fld))
            if before is None or before[0] is not value:
                before = texts[(name, fld)] = (value, _json(value))
            entries.append(f"{_json(fld)}:{before[1]}")
        parts.append(f"{_json(name)}:{{{','.join(entries)}}}")
    return "{" + ",".join(parts) + "}"


def _json(value):
    """Return compact JSON text (UTF-8 kept as it is)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _unpacked(fields, wanted):
    """Return (state as stored, count) of a checkpoint's fields; None if it does not check out."""
    fields = {k.decode() if isinstance(k, bytes) else k: v for k, v in fields.items()}
    blob = fields.get("z") or b""
    sha = fields.get("sha", b"")
    sha = sha.decode() if isinstance(sha, bytes) else sha
    if not blob or hashlib.sha256(blob).hexdigest() != sha:
        return None
    try:
        state = json.loads(zlib.decompress(blob))
        count = int(fields.get("n", b"0"))
    except (ValueError, zlib.error):
        return None
    if not isinstance(state, dict) or set(state) != wanted:
        return None
    return state, count


def decode(ctx, fields, shown_only=False):
    """Return (state, count) of a stored checkpoint, personal entries opened; None if it does not check out.

    shown_only (a replay): only the entries a section may show are opened (server/sealed_rows.py);
    a checkpoint written from the state keeps every entry whole, so catch_up opens them all.
    """
    wanted = {f.NAME for f in folds(ctx.registry)}
    found = offload.run_heavy(ctx, _unpacked, fields, wanted, kind="replay")
    return (ctx.store.open_rows(found[0], shown_only), found[1]) if found else None


def _fold(ctx, chosen, events, state):
    """Fold events onto state off the request loop (pure CPU); return the state."""
    return offload.run_heavy(ctx, ledger.fold_all, chosen, events, state, kind="replay")


def nearest(ctx, cursor):
    """Return (checkpoint id, state) of the newest sound checkpoint at or before cursor, or ("0-0", None)."""
    for event_id, fields in Checkpoints(ctx.store).before(version(), cursor):
        found = decode(ctx, fields, shown_only=True)
        if found is not None:
            return event_id.decode() if isinstance(event_id, bytes) else event_id, found[0]
        log.warning("checkpoint %s does not check out; skipped", event_id)
    return "0-0", None


def state_at(ctx, cursor):
    """Return the folds' state after the event `cursor`: a checkpoint plus the events since it."""
    start, state = nearest(ctx, cursor)
    chosen = folds(ctx.registry)
    state = ledger.fold_all(chosen, [], state)
    while True:
        batch = ctx.store.events_after(start, 2000, upto=cursor)
        if not batch:
            return state
        _fold(ctx, chosen, batch, state)
        start = batch[-1]["id"]


def every(ctx):
    """Return N: events between checkpoints (0: none are kept)."""
    return ctx.settings.checkpoint_every


def _count(fields):
    """Return the count of events a stored checkpoint covers (without decoding it)."""
    raw = fields.get(b"n", fields.get("n", b"0"))
    return int(raw)


def catch_up(ctx, budget=BUDGET):
    """Write the checkpoints missing since the newest one (at most `budget`); return how many."""
    n = every(ctx)
    if n <= 0:
        return 0
    cps = Checkpoints(ctx.store)
    newest = cps.newest(version())
    # The stream is never trimmed: its length says whether N more events came (no decoding).
    if ctx.store.count_events() - (_count(newest[1]) if newest else 0) < n:
        return 0
    found = decode(ctx, newest[1]) if newest else None
    if newest and found is None:
        return 0  # a damaged newest checkpoint: `gatewatch rebuild` rewrites them; answers stay right
    start = (newest[0].decode() if isinstance(newest[0], bytes) else newest[0]) if newest else "0-0"
    state, count = found if found else ({}, 0)
    chosen = folds(ctx.registry)
    state = ledger.fold_all(chosen, [], state)
    written, sealing = 0, {}
    while written < budget:
        batch = ctx.store.events_after(start, n)
        if len(batch) < n:
            return written
        _fold(ctx, chosen, batch, state)
        start, count = batch[-1]["id"], count + n
        if not cps.add(version(), start, encode(ctx, state, count, sealing)):
            return written  # another process wrote it first
        written += 1
    return written


def rebuild(ctx, events):
    """Rewrite every checkpoint from these events (the whole stream, oldest first); return how many."""
    n = every(ctx)
    entries, chosen, sealing = [], folds(ctx.registry), {}
    state = ledger.fold_all(chosen, [])
    if n > 0:
        for end in range(n, len(events) + 1, n):
            ledger.fold_all(chosen, events[end - n:end], state)
            entries.append((events[end - 1]["id"], encode(ctx, state, end, sealing)))
    Checkpoints(ctx.store).replace(version(), entries)
    return len(entries)
