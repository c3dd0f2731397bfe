"""Who is active: the last time each guard did anything (fold only)."""
from server.merge import IfNewer

NAME = "activity"
ACTIVE_MINUTES = 15


def touches(event):
    """Return the entries an event's outcome depends on: none (a guard's simultaneous
    submissions must not contend on their own last-seen entry)."""
    return []


def apply(state, event):
    """Fold a guard's event into their last-seen time."""
    if event["actor"]["role"] != "guard":
        return {}
    name = event["actor"]["username"]
    return {name: IfNewer({"username": name, "last_seen_at": event["ts"]}, "last_seen_at")}
