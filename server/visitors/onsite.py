"""Who is on site now: a small projection, so the watcher's overstay check never reads every visitor.

The visitors projection keeps every visitor of the retention period (80,000 at a congress), sealed;
the overstay check runs every few seconds and needs only those on site and when they were expected
to leave. This fold keeps exactly that, with nothing personal in it.
"""
from server.visitors.fold import CHECKED_OUT, LEFT_UNRECORDED, PURGED, REGISTERED

NAME = "visitors_on_site"
EVENTS = frozenset({REGISTERED, CHECKED_OUT, LEFT_UNRECORDED, PURGED})


def touches(event):
    """Return nothing: an entry is written whole or deleted, whatever was there."""
    return []


def apply(state, event):
    """Add a visitor who came in; drop one who left, was found gone or was purged."""
    data = event["data"]
    if event["type"] == REGISTERED:
        return {data["visitor_id"]: {"visitor_id": data["visitor_id"], "entrance_id": data["entrance_id"],
                                     "expected_until": data.get("expected_until")}}
    if event["type"] in (CHECKED_OUT, LEFT_UNRECORDED):
        return {data["visitor_id"]: None}
    if event["type"] == PURGED:
        return {visitor_id: None for visitor_id in data["visitor_ids"]}
    return {}
