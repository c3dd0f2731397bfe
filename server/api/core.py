"""Routes of the core, not of one concept: venue, state snapshot and the timeline."""
from flask import Blueprint, jsonify

from server import events as ev, replay, snapshot
from server.api.common import gw
from server.auth import authorize
from server.api.models import EventsAnswer, State, StateQuery, TimelineQuery, VenueAnswer
from server.api.shaping import large_json
from server.api.spec import operation
from server.errors import Text, check
from server.programme import service as programme
from server.store import timeline
from server.visibility import Viewer

bp = Blueprint("core", __name__, url_prefix="/api/v1")


@bp.get("/venue")
@operation("venue.read", tag="core", answer=VenueAnswer)
def venue(user):
    """Return the venue configuration: entrances, zones, checkpoints, categories, checklists."""
    return jsonify(gw().venue.to_public())


@bp.get("/state")
@operation("state.read", tag="core", query=StateQuery, answer=State, errors=(403,))
def state(user, query):
    """Return the current snapshot with its cursor, as the caller's role may see it.

    Apply live events strictly after `cursor` to stay current. With `at` (commanders and
    admins: replay), the sections as they were at that moment — a cursor (the state right after
    that event) or an ISO time — with `server_time` that moment and `replay: true`; other
    roles get 403.
    """
    if query.at:
        return large_json(replay.state_at(gw(), authorize("state.replay"), query.at))
    return large_json(snapshot.current(gw(), user))


def _query_args(query):
    """Check a timeline query against the venue; return service arguments."""
    fields = {}
    if query.location and query.location not in gw().venue.location_ids():
        fields["location"] = Text("unknown location", "未知地点")
    window = query.meeting and programme.meeting_window(programme.planned(gw()), query.meeting)
    if query.meeting and not window:
        fields["meeting"] = Text("unknown meeting (DATE.MEETING of the programme)", "未知会议（日程中的 日期.会议）")
    check(fields)
    ms = {name: int(getattr(query, name).timestamp() * 1000) if getattr(query, name) else None
          for name in ("from_", "to")}
    if window:  # within the meeting's window (and the from/to given, if any)
        ms["from_"] = max(ms["from_"] or 0, window[0])
        ms["to"] = min(ms["to"] if ms["to"] is not None else window[1], window[1])
    return dict(after=query.after, before=query.before, from_ms=ms["from_"], to_ms=ms["to"],
                type_=query.type, location=query.location, actor=query.actor, limit=query.limit,
                order=query.order)


@bp.get("/events")
@operation("events.read", tag="core", query=TimelineQuery, answer=EventsAnswer)
def list_events(user, query):
    """Page the timeline: newest first by default; `next` continues in the same direction."""
    ctx = gw()
    viewer = Viewer(user.role, user.username)
    # A type this viewer may not receive is not listed at all; the rest come shaped.
    found, cursor = timeline.page(ctx.store, keep=lambda e: ctx.registry.readable(e, viewer), **_query_args(query))
    events = [ctx.registry.shape(ev.envelope(e, ctx.venue.id), viewer) for e in found]
    # Names from the shaped events, so a name this viewer may not read is not named here either.
    return jsonify({"events": events, "next": cursor, "people": snapshot.people(ctx, events, viewer)})
