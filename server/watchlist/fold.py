"""Watchlist entries as a fold of events (pure: no I/O)."""
NAME = "watchlist"
ADDED = "watchlist.entry_added"
REMOVED = "watchlist.entry_removed"
EVENTS = frozenset({ADDED, REMOVED})


def touches(event):
    """Return the entries an event's outcome depends on (a new entry depends on nothing)."""
    return [event["data"]["entry_id"]] if event["type"] == REMOVED else []


def apply(state, event):
    """Fold an entry being added (kept) or removed (dropped)."""
    data = event["data"]
    if event["type"] == ADDED:
        return {data["entry_id"]: {**data, "added_by": event["actor"]["username"], "added_at": event["ts"]}}
    if event["type"] == REMOVED and state.get(data["entry_id"]):
        return {data["entry_id"]: None}
    return {}


def listed(entries):
    """Return the entries, newest first."""
    return sorted(entries.values(), key=lambda e: e["added_at"], reverse=True)
