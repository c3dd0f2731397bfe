"""Who is active: the last time each guard did anything (fold only)."""
NAME = "activity"
ACTIVE_MINUTES = 15
# apply() ignores the current state, so commits need neither read nor guard it: a guard's
# simultaneous submissions must not contend on their own last-seen entry.
BLIND = True


def touches(event):
    """Return the activity fields an event may change: its guard actor."""
    return [event["actor"]["username"]] if event["actor"]["role"] == "guard" else []


def apply(state, event):
    """Fold a guard's event into their last-seen time."""
    if event["actor"]["role"] != "guard":
        return {}
    name = event["actor"]["username"]
    return {name: {"username": name, "last_seen_at": event["ts"]}}
