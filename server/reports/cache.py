"""Finished windows' report figures, kept: a day's report then costs a few reads, not a fold of its day.

A report over days that are over is the same until one of its inputs changes: the fold code, the
venue file, an outbox delivering late into the window, the phase in force before it, an
expected-list import, a display name, a purge. Its figures (unshaped: every reader's report is
shaped from them) are kept in Redis per window with a fingerprint of those inputs; a request whose
fingerprint differs computes them again and replaces them. The whole event (no dates) is never
kept: it grows with every event. The watcher computes each finished day once (`precompute`), so
the first commander to ask after midnight does not wait for it either.
"""
import dataclasses
import datetime as dt
import hashlib
import json

from server import checkpoints
from server.reports import read
from server.store.reportcache import ReportCache
from server.visitors.fold import PURGED

# Events are recorded up to EARLY after a window's end (clocks differ): after that it is over.
SETTLED = read.EARLY + dt.timedelta(minutes=1)
DAYS_BACK = 7  # finished days the watcher keeps ready (a late delivery counts up to 7 days after)


@dataclasses.dataclass(frozen=True)
class Kept:
    """The figures of one window and how many events they were computed from."""

    parts: dict
    events_read: int


@dataclasses.dataclass(frozen=True)
class Slot:
    """Where a finished window's figures are kept, and the fingerprint of the inputs they match."""

    name: str
    fingerprint: str


def settled(window):
    """Tell whether no event can still be recorded within a window (late deliveries aside)."""
    return window.now >= window.end + SETTLED


def slot(ctx, inputs, meeting=None):
    """Return the Slot of a settled window's report, or None (not over yet: computed each time)."""
    window = inputs.window
    if not settled(window):
        return None
    venue = ctx.venue
    plain = json.dumps([venue.to_public(), venue.rules, sorted(venue.sections)], sort_keys=True, default=str)
    low, high = read.stream_range(window)
    purges = ctx.store.index_ids("type", PURGED, "-", "+", True, 1)
    parts = [checkpoints.version(), hashlib.sha256(plain.encode()).hexdigest(),
             ReportCache(ctx.store).stream_bounds(f"({low}", high), read.late_ids(ctx.store, window),
             (inputs.before or {}).get("id"), [e["id"] for e in inputs.imports], inputs.names, purges]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    days = f"{window.first.isoformat()}..{window.last.isoformat()}"
    return Slot(name=f"{days}|{meeting or ''}", fingerprint=digest)


def kept(ctx, where):
    """Return the Kept figures of a slot if they match its fingerprint, else None."""
    text = ReportCache(ctx.store).get(checkpoints.version(), where.name)
    try:
        found = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(found, dict) or found.get("fingerprint") != where.fingerprint:
        return None
    return Kept(parts=found["parts"], events_read=found["events_read"])


def packed(where, figures):
    """Return the stored text of a window's figures (pure: run off the loop).

    Plain JSON, not compressed: whoever audits what Redis holds can read that it names nobody
    but guards (the figures count visitors, never name them)."""
    return json.dumps({"fingerprint": where.fingerprint, "parts": figures.parts,
                       "events_read": figures.events_read}, ensure_ascii=False, separators=(",", ":"))


def keep(ctx, where, text):
    """Store a window's packed figures."""
    ReportCache(ctx.store).put(checkpoints.version(), where.name, text)
