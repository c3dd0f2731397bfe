"""Build the after-action report: read the window's events, compute each part, shape for the reader.

Every figure is computed from the events of the stream (server/reports/read.py), one pure
function per part, so a report of a past day is the same whatever was purged since; the only
other reads are the phase in force before the window, expected-list imports (any date), guards'
display names and the audit chain's head. `gather` does that I/O; `compose` is pure (CPU only), so
views run it through server/offload.run_heavy, which must not touch Redis or Flask.
"""
import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from server import events as ev
from server import visibility
from server.audit import actions as audit_actions
from server.audit import service as audit
from server.errors import Text, check
from server.expected.fold import IMPORTED as EXPECTED_IMPORTED
from server.programme import schedule
from server.programme.service import planned
from server.offload import run_heavy
from server.reports import cache, clearance, guards, incidents, inspections, patrols, read, visitors
from server.reports.figures import Window, when
from server.reports.models import TABLE_ROWS, Row

PARTS = ("patrols", "visitors", "incidents", "inspections", "clearance", "guards")


@dataclass(frozen=True)
class Inputs:
    """What a report is computed from, read before the heavy work."""

    window: Window
    events: list
    before: dict | None  # the last phase change before the window's stream range
    imports: list  # every expected-list import
    names: dict  # username -> display name
    audit_head: dict | None
    kept: object = None  # cache.Kept: the figures, when a settled window's were kept (events not read)
    slot: object = None  # cache.Slot: where a settled window's figures are kept


def downloaded(ctx, actor, first, last, fmt):
    """Audit a report download (the chain entry lands before the report leaves); return the head.

    The head printed on the report includes this download's own entry, so a printed report
    anchors the log at that moment (`gatewatch audit verify` checks the chain up to it).
    """
    if actor is None:
        return audit.chain_head(ctx)
    return audit.record_action(ctx, actor=actor, action=audit_actions.REPORT_DOWNLOAD,
                               subject=f"{first or 'all'}..{last or first or 'all'}", detail={"format": fmt})


def window_of(ctx, first, last, now):
    """Return the report's Window over the given venue-local days."""
    last = dt.date.fromisoformat(last) if last else dt.date.fromisoformat(first)
    return Window.of(dt.date.fromisoformat(first), last, ctx.venue.timezone, now)


def whole_event(ctx, now):
    """Return (Window, events): every event, from the day the first happened to today."""
    events = sorted(ctx.store.scan_events(), key=lambda e: (when(e), e["id"]))
    today = Window.of(now.date(), now.date(), ctx.venue.timezone, now)
    first = today.day(when(events[0])) if events else today.day(now)
    return Window.of(dt.date.fromisoformat(first), dt.date.fromisoformat(today.day(now)),
                     ctx.venue.timezone, now), events


def display_names(ctx):
    """Return {username: display name} of every user."""
    return {u["username"]: u.get("display_name") or u["username"] for u in ctx.accounts.list_users()}


def meeting_window(ctx, meeting_id, now):
    """Return the Window of a programme meeting (its day, narrowed to the meeting's events), or raise."""
    found = schedule.windows(planned(ctx), meeting_id)
    if not found:
        check({"meeting": Text("unknown meeting (DATE.MEETING of the programme)", "未知会议（日程中的 日期.会议）")})
    day = dt.date.fromisoformat(meeting_id.partition(".")[0])
    return dataclasses.replace(Window.of(day, day, ctx.venue.timezone, now), start=found[0], end=found[1])


def gather(ctx, first=None, last=None, now=None, actor=None, fmt="json", meeting=None, pause=None):
    """Read what the report of the given days (no days: the whole event) is computed from.

    With an `actor`, the download is audited first (its entry is the head the report prints).
    With a `meeting` (DATE.MEETING of the programme), the window is that meeting's.
    """
    now = now or ev.utc_now()
    imports, names = read.every_of_type(ctx.store, EXPECTED_IMPORTED), display_names(ctx)
    head = downloaded(ctx, actor, meeting or first, None if meeting else last, fmt)
    if first is None and not meeting:
        (window, events) = whole_event(ctx, now)
        return Inputs(window, events, None, imports, names, head)
    window = meeting_window(ctx, meeting, now) if meeting else window_of(ctx, first, last, now)
    inputs = Inputs(window, [], read.phase_before(ctx.store, window), imports, names, head)
    where = cache.slot(ctx, inputs, meeting)
    found = cache.kept(ctx, where) if where else None
    if found:
        return dataclasses.replace(inputs, kept=found, slot=where)
    return dataclasses.replace(inputs, events=read.by_when(read.stream_events(ctx.store, window, pause)), slot=where)


def ready(ctx, inputs):
    """Return inputs with their figures computed (off the loop), kept when the window is settled."""
    if inputs.kept:
        return inputs
    found = run_heavy(ctx, computed, ctx.venue, inputs, kind="report")
    if inputs.slot:
        cache.keep(ctx, inputs.slot, run_heavy(ctx, cache.packed, inputs.slot, found, kind="report"))
    return dataclasses.replace(inputs, kept=found)


def computed(venue, inputs):
    """Return the Kept figures of inputs (pure), as JSON would give them back."""
    parts = json.loads(json.dumps(figures(venue, inputs), ensure_ascii=False))
    return cache.Kept(parts=parts, events_read=len(inputs.events))


def figures(venue, inputs):
    """Return {part: {summary, tables}}: every part computed from the same events (pure)."""
    window, events = inputs.window, inputs.events
    return {"patrols": patrols.part(venue, window, events, inputs.before),
            "visitors": visitors.part(venue, window, events, inputs.imports),
            "incidents": incidents.part(venue, window, events),
            "inspections": inspections.part(venue, window, events),
            "clearance": clearance.part(venue, window, events),
            "guards": guards.part(venue, window, events, inputs.names)}


def shaped(parts, viewer):
    """Return the parts with each table's rows as the viewer may read them."""
    return {name: {"summary": part["summary"],
                   "tables": {table: visibility.shape(TABLE_ROWS.get((name, table), Row), rows, viewer)
                              for table, rows in part["tables"].items()}}
            for name, part in parts.items()}


def compose(venue, inputs, viewer):
    """Return the report as this viewer may read it (pure: CPU only)."""
    window, found = inputs.window, inputs.kept or computed(venue, inputs)
    return {"venue": {"id": venue.id, "name": venue.name, "timezone": venue.timezone},
            "first_day": window.first.isoformat(), "last_day": window.last.isoformat(),
            "start": ev.iso(window.start), "end": ev.iso(window.end), "generated_at": ev.iso(window.now),
            "generated_for": {"username": viewer.username, "role": viewer.role},
            "events_read": found.events_read, "audit_chain_head": inputs.audit_head,
            "parts": shaped(found.parts, viewer)}


def build(ctx, viewer, first=None, last=None, now=None):
    """Return the report of the given days (or the whole event) for this viewer, inline."""
    return compose(ctx.venue, ready(ctx, gather(ctx, first, last, now)), viewer)
