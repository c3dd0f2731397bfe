"""Broadcasts as a fold of events (pure: no I/O)."""
NAME = "broadcasts"
SENT, ACKNOWLEDGED = "broadcast.sent", "broadcast.acknowledged"
# The watcher's alert about recipients who did not acknowledge marks the message (alerted once).
ALERT_RAISED, UNACKNOWLEDGED = "alert.raised", "broadcast_unacknowledged"
EVENTS = frozenset({SENT, ACKNOWLEDGED, ALERT_RAISED})


def _alert(event):
    """Tell whether an event is the alert about a broadcast not acknowledged in time."""
    return event["type"] == ALERT_RAISED and event["data"].get("kind") == UNACKNOWLEDGED


def touches(event):
    """Return the messages an event's outcome depends on (a new one's id is fresh)."""
    return [event["data"]["broadcast_id"]] if event["type"] == ACKNOWLEDGED or _alert(event) else []


def apply(state, event):
    """Fold a message being sent, acknowledged, or alerted about."""
    data = event["data"]
    if event["type"] == SENT:
        return {data["broadcast_id"]: {**data, "sent_at": event["ts"], "sent_by": event["actor"]["username"],
                                       "acknowledgements": [], "alerted": False}}
    entry = state.get(data.get("broadcast_id")) if event["type"] == ACKNOWLEDGED or _alert(event) else None
    if not entry:
        return {}
    if _alert(event):
        return {entry["broadcast_id"]: {**entry, "alerted": True}}
    who = event["actor"]["username"]
    if who in acknowledged_by(entry):
        return {}
    return {entry["broadcast_id"]: {**entry, "acknowledgements": [*entry["acknowledgements"],
                                                                  {"username": who, "at": event["ts"]}]}}


def acknowledged_by(entry):
    """Return the usernames that acknowledged a message."""
    return {a["username"] for a in entry["acknowledgements"]}


def missing(entry):
    """Return the recipients who have not acknowledged, sorted."""
    return sorted(set(entry["recipients"]) - acknowledged_by(entry))


def all_acknowledged(entry, alert):
    """A broadcast's alert closes when every recipient has acknowledged the message."""
    return "acknowledged_by_all" if entry is None or not missing(entry) else None
