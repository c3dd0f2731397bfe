"""Vehicles at the gates as a fold of events, keyed by the plate's keyed digest (pure: no I/O).

Entries are keyed by `plate_key` (a keyed HMAC of the normalised plate, made by the service),
so no plate is a hash field's name in the projection; events written before it existed are
keyed by their plate. A vehicle brought by a visitor has its plate sealed under that visitor's
data key, in its events and in its entry here (`ENTRY_PERSONAL` in the package): once the
visitor is purged, its events read without the plate, and its entry is dropped, so no plate
stays paired with the purged visitor.
"""
from server.merge import WHOLE

NAME = "vehicles"
ENTERED = "vehicle.entered"
LEFT = "vehicle.left"
VISITORS_PURGED = "visitor.purged"
EVENTS = frozenset({ENTERED, LEFT, VISITORS_PURGED})


def key(data):
    """Return the key of a vehicle's entry: its plate's keyed digest, or (older events) its plate."""
    return data.get("plate_key") or data["plate"]


def keys(data):
    """Return the keys a vehicle's entry may be under: its digest, and its plate (entries made before digests)."""
    return list(dict.fromkeys(k for k in (data.get("plate_key"), data.get("plate")) if k))


def current(state, data):
    """Return (key, entry) of a vehicle as the projection holds it now; entry None when unknown."""
    for found in keys(data):
        if state.get(found):
            return found, state[found]
    return key(data), None


def touches(event):
    """Return the keys of the vehicle an entry or exit depends on (in twice or out twice is refused)."""
    if event["type"] in (ENTERED, LEFT):
        return keys(event["data"])
    if event["type"] == VISITORS_PURGED:
        return WHOLE  # which plates were theirs is known only from the entries
    return []


# An entry no longer shown is shown again only when an event writes it whole (server/checkpoints.py).
FORGETS = True


def still_shown(entry, *, venue, when):
    """Tell whether a section can still show a vehicle: on site (a new entry writes it whole)."""
    return bool(entry.get("on_site"))


def apply(state, event):
    """Fold a vehicle entering or leaving through a gate, or its visitor purged."""
    data = event["data"]
    if event["type"] == VISITORS_PURGED:
        purged = set(data["visitor_ids"])
        return {k: None for k, entry in state.items() if entry and entry.get("visitor_id") in purged}
    if event["type"] not in (ENTERED, LEFT) or data.get("purged"):
        return {}  # not a vehicle's, or its visitor was purged: the plate is gone (replayed)
    vehicle = key(data)
    if event["type"] == ENTERED:
        entry = {k: data.get(k) for k in ("plate", "plate_unusual", "kind", "pass_id", "visitor_id",
                                          "entrance_id", "no_pass")}
        # The visit's id is its entry event's: rows are keyed by it, not by the plate.
        entry.update(visit_id=event["id"], on_site=True, entered_at=event["ts"], entered_by=event["actor"]["username"],
                     left_at=None, exit_entrance_id=None)
        return {**_moved(state, data, vehicle), vehicle: entry}
    found, now = current(state, data)
    if not now or not now.get("on_site"):
        return {}  # leaving twice changes nothing (the service answers 409)
    return {**_moved(state, data, vehicle), vehicle: dict(now, on_site=False, left_at=event["ts"],
                                                          exit_entrance_id=data["entrance_id"])}


def _moved(state, data, vehicle):
    """Return the deletion of an entry kept under the plate itself, now that it moves to its digest."""
    found, entry = current(state, data)
    return {found: None} if entry is not None and found != vehicle else {}


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
