"""The venue's phase as a fold of events (pure: no I/O)."""
NAME = "meta"
CHANGED = "phase.changed"
EVENTS = frozenset({CHANGED})


def touches(event):
    """Return the meta fields an event may change."""
    return ["phase"] if event["type"] == CHANGED else []


def apply(state, event):
    """Fold a phase change into the meta projection."""
    if event["type"] != CHANGED:
        return {}
    return {"phase": {"phase": event["data"]["phase"], "since": event["ts"], "event_id": event["id"]}}
