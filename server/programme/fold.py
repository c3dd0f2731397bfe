"""Commanders' edits of the programme as a fold of events (pure: no I/O).

One entry per edited date (or `daily`, the template): the meetings a commander set for it, in
the venue file's shape, which replace the file's day; a reset removes the entry, so the file's
day is in force again.
"""
NAME = "programme"
DAY_SET = "programme.day_set"
DAY_RESET = "programme.day_reset"
EVENTS = frozenset({DAY_SET, DAY_RESET})


def touches(event):
    """Return the entry an event changes: its date."""
    return [event["data"]["date"]] if event["type"] in (DAY_SET, DAY_RESET) else []


def apply(state, event):
    """Fold a day set by a commander (or its reset to the venue file's)."""
    if event["type"] == DAY_SET:
        data = event["data"]
        return {data["date"]: {"date": data["date"], "meetings": data["meetings"], "reason": data.get("reason"),
                               "by": event["actor"]["username"], "at": event["ts"], "event_id": event["id"]}}
    if event["type"] == DAY_RESET:
        return {event["data"]["date"]: None}
    return {}
