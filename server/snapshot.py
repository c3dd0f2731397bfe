"""The state snapshot: every concept's section, read atomically with its cursor (DESIGN §5)."""
from dataclasses import dataclass

from server import events as ev

RECENT_EVENTS = 50
# Keys whose values name a person in snapshot sections: the only names a screen needs.
PERSON_KEYS = ("last_guard", "username", "acknowledged_by", "assignee", "reported_by")
# Sections later concepts fill; present so clients can rely on the shape.
PLACEHOLDERS = {"visitors": [], "incidents": [], "hazards": [], "clearance": {}}


@dataclass
class Reads:
    """What one atomic read gave: projections, recent index ids, the time, who is looking."""

    projections: dict
    indexes: dict
    now: object
    viewer: object

    @staticmethod
    def time_of(stream_id):
        """Return the ISO time a stream id was committed at."""
        return ev.ms_to_iso(ev.id_ms(stream_id))


def visible(ctx, events, viewer):
    """Return the envelopes of events this viewer may see, each in the viewer's form."""
    return ctx.registry.visible(events, viewer.role, viewer.username, ctx.venue.id)


def _names(value, found):
    """Collect the usernames a snapshot mentions."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in PERSON_KEYS and isinstance(item, str):
                found.add(item)
            else:
                _names(item, found)
    elif isinstance(value, list):
        for item in value:
            _names(item, found)
    return found


def people(ctx, state, viewer):
    """Return display names of the viewer, the people this snapshot mentions and every guard.

    Any guard may check in next and appear on the screen; other accounts (operators,
    administrators) are named only when the snapshot mentions them.
    """
    wanted = _names(state, {viewer.username})
    return {u["username"]: u.get("display_name") or u["username"]
            for u in ctx.accounts.list_users() if u["username"] in wanted or u.get("role") == "guard"}


def sections(ctx, reads, cursor):
    """Return every concept's snapshot section computed from one read, with its cursor."""
    state = {"cursor": cursor, "server_time": ev.iso(reads.now)}
    for concept in ctx.registry.concepts:
        if concept.snapshot:
            state.update(concept.snapshot(ctx, reads, state))
    return state


def current(ctx, viewer):
    """Return the snapshot of now as this viewer may see it, with the cursor it corresponds to."""
    now = ev.utc_now()
    indexes = [(kind, value, int((now - span).timestamp() * 1000))
               for c in ctx.registry.concepts for kind, value, span in c.indexes]
    cursor, projections, recent, ids = ctx.store.snapshot(ctx.registry.reads(), recent=RECENT_EVENTS,
                                                          indexes=indexes)
    reads = Reads(projections=projections, indexes=ids, now=now, viewer=viewer)
    state = sections(ctx, reads, cursor)
    # What a wall screen shows before anything new happens: the last events (oldest first,
    # all at or before the cursor), in the form this viewer receives them live.
    state["recent_events"] = visible(ctx, list(reversed(recent)), viewer)
    state["people"] = people(ctx, state, viewer)
    for key, empty in PLACEHOLDERS.items():
        state.setdefault(key, empty)
    return state
