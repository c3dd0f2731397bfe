"""Build the after-action report: read the window's events, compute each part, shape for the reader.

Every figure is computed from the events of the stream (server/reports/read.py), one pure
function per part, so a report of a past day is the same whatever was purged since; the only
other reads are the phase in force before the window, expected-list imports (any date) and
guards' display names. Building is CPU-heavy: views run it through server/offload.run_heavy.
"""
import datetime as dt
import importlib

from server import events as ev
from server import visibility
from server.expected.fold import IMPORTED as EXPECTED_IMPORTED
from server.reports import clearance, guards, incidents, inspections, patrols, read, visitors
from server.reports.figures import Window, when
from server.reports.models import TABLE_ROWS, Row

PARTS = ("patrols", "visitors", "incidents", "inspections", "clearance", "guards")


def audit_head(ctx):
    """Return the audit chain's head to print on the report, or None while no audit log is installed.

    The tamper-evident audit log (server/audit, built apart) provides `chain_head(ctx)`; a printed
    report carrying it anchors the log at that moment.
    """
    try:
        audit = importlib.import_module("server.audit")
    except ImportError:
        return None
    head = getattr(audit, "chain_head", None)
    return head(ctx) if callable(head) else None


def window_of(ctx, first, last, now):
    """Return the report's Window over the given venue-local days."""
    last = dt.date.fromisoformat(last) if last else dt.date.fromisoformat(first)
    return Window.of(dt.date.fromisoformat(first), last, ctx.venue.timezone, now)


def whole_event(ctx, now):
    """Return (Window, events, None): every event, from the day the first happened to today."""
    events = sorted(ctx.store.scan_events(), key=lambda e: (when(e), e["id"]))
    window = Window.of(now.date(), now.date(), ctx.venue.timezone, now)
    first = window.day(when(events[0])) if events else window.day(now)
    return Window.of(dt.date.fromisoformat(first), dt.date.fromisoformat(window.day(now)),
                     ctx.venue.timezone, now), events, None


def display_names(ctx):
    """Return {username: display name} of every user."""
    return {u["username"]: u.get("display_name") or u["username"] for u in ctx.accounts.list_users()}


def figures(ctx, window, events, before, imports=(), names=None):
    """Return {part: {summary, tables}}: every part computed from the same events (pure)."""
    return {"patrols": patrols.part(ctx, window, events, before),
            "visitors": visitors.part(ctx, window, events, imports),
            "incidents": incidents.part(ctx, window, events),
            "inspections": inspections.part(ctx, window, events),
            "clearance": clearance.part(ctx, window, events),
            "guards": guards.part(ctx, window, events, names)}


def shaped(parts, viewer):
    """Return the parts with each table's rows as the viewer may read them."""
    return {name: {"summary": part["summary"],
                   "tables": {table: visibility.shape(TABLE_ROWS.get((name, table), Row), rows, viewer)
                              for table, rows in part["tables"].items()}}
            for name, part in parts.items()}


def build(ctx, viewer, first=None, last=None, now=None):
    """Return the report of the given days (or the whole event) as this viewer may read it."""
    now = now or ev.utc_now()
    if first is None:
        window, events, before = whole_event(ctx, now)
    else:
        window = window_of(ctx, first, last, now)
        events, before = read.events_of(ctx.store, window)
    imports = read.every_of_type(ctx.store, EXPECTED_IMPORTED)
    parts = figures(ctx, window, events, before, imports, display_names(ctx))
    venue = ctx.venue
    return {"venue": {"id": venue.id, "name": venue.name, "timezone": venue.timezone},
            "first_day": window.first.isoformat(), "last_day": window.last.isoformat(),
            "start": ev.iso(window.start), "end": ev.iso(window.end), "generated_at": ev.iso(window.now),
            "generated_for": {"username": viewer.username, "role": viewer.role},
            "events_read": len(events), "audit_chain_head": audit_head(ctx), "parts": shaped(parts, viewer)}
