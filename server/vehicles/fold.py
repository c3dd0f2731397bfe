"""Vehicles at the gates as a fold of events, keyed by plate (pure: no I/O).

A vehicle brought by a visitor has its plate sealed under that visitor's data key: once the
visitor is purged, its events read without the plate, and its entry here is dropped, so no
plate stays paired with the purged visitor.
"""
from server.merge import WHOLE

NAME = "vehicles"
ENTERED = "vehicle.entered"
LEFT = "vehicle.left"
VISITORS_PURGED = "visitor.purged"


def touches(event):
    """Return the plate an entry or exit depends on (in twice or out twice is refused)."""
    if event["type"] in (ENTERED, LEFT):
        return [event["data"]["plate"]]
    if event["type"] == VISITORS_PURGED:
        return WHOLE  # which plates were theirs is known only from the entries
    return []


def apply(state, event):
    """Fold a vehicle entering or leaving through a gate, or its visitor purged."""
    data = event["data"]
    if event["type"] == VISITORS_PURGED:
        purged = set(data["visitor_ids"])
        return {plate: None for plate, entry in state.items() if entry and entry.get("visitor_id") in purged}
    plate = data.get("plate")
    if data.get("purged"):
        return {}  # its visitor was purged: the plate is gone (replayed from the stream)
    if event["type"] == ENTERED:
        entry = {k: data.get(k) for k in ("plate", "plate_unusual", "kind", "pass_id", "visitor_id",
                                          "entrance_id", "no_pass")}
        # The visit's id is its entry event's: rows are keyed by it, not by the plate.
        entry.update(visit_id=event["id"], on_site=True, entered_at=event["ts"], entered_by=event["actor"]["username"],
                     left_at=None, exit_entrance_id=None)
        return {plate: entry}
    if event["type"] == LEFT:
        current = state.get(plate)
        if not current or not current.get("on_site"):
            return {}  # leaving twice changes nothing (the service answers 409)
        return {plate: dict(current, on_site=False, left_at=event["ts"], exit_entrance_id=data["entrance_id"])}
    return {}


def listed(entries, *, on_site=None, entrance=None):
    """Return the vehicles that pass the filters, latest entry first."""
    rows = [e for e in entries.values()
            if (on_site is None or bool(e.get("on_site")) == on_site)
            and (not entrance or e.get("entrance_id") == entrance)]
    return sorted(rows, key=lambda e: e["entered_at"], reverse=True)


def counts(entries):
    """Return the vehicles on site in total and per entrance they came in by."""
    by_entrance = {}
    for entry in entries.values():
        if entry.get("on_site"):
            by_entrance[entry["entrance_id"]] = by_entrance.get(entry["entrance_id"], 0) + 1
    return {"total": sum(by_entrance.values()), "by_entrance": dict(sorted(by_entrance.items()))}
