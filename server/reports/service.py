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
from server.reports.figures import Window
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


def whole_event(ctx, now):
    """Return (first day, last day) of the whole event: the first event's venue-local day to today."""
    first = ctx.store.events_after("0-0", 1)
    zone = Window.of(now.date(), now.date(), ctx.venue.timezone, now).zone
    start = ev.parse_iso(first[0]["ts"]) if first else now
    return start.astimezone(zone).date(), now.astimezone(zone).date()


def window_of(ctx, first=None, last=None, now=None):
    """Return the report's Window: the given venue-local days, or the whole event."""
    now = now or ev.utc_now()
    if first is None:
        first, last = whole_event(ctx, now)
    else:
        first = dt.date.fromisoformat(first)
        last = dt.date.fromisoformat(last) if last else first
    return Window.of(first, last, ctx.venue.timezone, now)


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
