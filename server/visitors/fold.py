"""Visitors as a fold of events, and their rows (pure: no I/O; server/visibility.py shapes them)."""
import json

from server.identity.idcheck import mask_name
from server.identity.records import VISITORS

NAME = VISITORS
REGISTERED = "visitor.registered"
CHECKED_OUT = "visitor.checked_out"
LEFT_UNRECORDED = "visitor.left_unrecorded"
REVEALED = "visitor.id_revealed"
PURGED = "visitor.purged"
WATCHLIST_HIT = "visitor.watchlist_hit"
EVENTS = frozenset({REGISTERED, CHECKED_OUT, LEFT_UNRECORDED, REVEALED, PURGED, WATCHLIST_HIT})
# What identifies a visitor, stored in events only sealed under the visitor's data key and
# erased by the purge. Organization and host narrow a masked name down to one person, and the
# purpose is free text a guard may fill with names: all sealed. The badge (a venue badge
# number), the gates, the times and the masked ID stay in the clear: the anonymous record.
PERSONAL = ("name", "phone", "plate", "organization", "host", "purpose")
ERASED = tuple(f for f in PERSONAL if f != "name")  # the name stays, masked (张*)


def touches(event):
    """Return the visitor entries an event's outcome depends on (a new one depends on nothing)."""
    if event["type"] in (CHECKED_OUT, LEFT_UNRECORDED, REVEALED, WATCHLIST_HIT):
        return [event["data"]["visitor_id"]]
    if event["type"] == PURGED:
        return list(event["data"]["visitor_ids"])
    return []


# An entry no longer shown is shown again only when an event writes it whole (server/checkpoints.py).
FORGETS = True


def still_shown(entry, *, venue, when):
    """Tell whether a section can still show a visitor: on site (one who left never comes back)."""
    return bool(entry.get("on_site"))


def apply(state, event):
    """Fold a registration, a check-out, a reveal or a purge into the visitors' entries."""
    data = event["data"]
    if event["type"] == PURGED:
        return _purged(state, data["visitor_ids"])
    if event["type"] == REGISTERED:
        entry = dict(data)
        entry.update(on_site=True, registered_at=event["ts"], registered_by=event["actor"]["username"],
                     checked_out_at=None, exit_entrance_id=None, watchlist_hit=False,
                     events=[event["id"]])
        return {data["visitor_id"]: entry}
    current = state.get(data.get("visitor_id"))
    if not current:
        return {}
    entry = dict(current, events=[*current.get("events", []), event["id"]])
    if event["type"] == CHECKED_OUT:
        if not current.get("on_site"):
            return {}  # a second check-out changes nothing (the service answers 409)
        # a late check-out carries when they left (observed_at); the record's ts is when it was entered
        entry.update(on_site=False, checked_out_at=event.get("observed_at") or event["ts"],
                     exit_entrance_id=data["entrance_id"], checked_out_late=bool(data.get("late")))
        return {data["visitor_id"]: entry}
    if event["type"] == LEFT_UNRECORDED:
        if not current.get("on_site"):
            return {}
        entry.update(on_site=False, left_unrecorded_at=event["ts"])
        return {data["visitor_id"]: entry}
    if event["type"] == REVEALED:
        return {data["visitor_id"]: entry}
    if event["type"] == WATCHLIST_HIT:  # recorded by the watchlist in the registration's commit
        return {data["visitor_id"]: dict(entry, watchlist_hit=True)}
    return {}


def _purged(state, visitor_ids):
    """Keep an anonymous record of each visitor: masked name; no phone, plate, organization…"""
    changes = {}
    for visitor_id in visitor_ids:
        entry = state.get(visitor_id)
        if entry and not entry.get("purged"):
            changes[visitor_id] = dict(entry, name=mask_name(entry.get("name")), purged=True,
                                       **{key: "" for key in ERASED})
    return changes


def anonymous(envelope, masked_name):
    """Return a purged visitor's event without what the purge erased."""
    data = envelope.get("data", {})
    if "name" not in data:
        return envelope
    erased = {key: "" for key in ERASED if key in data}
    return dict(envelope, data=dict(data, name=masked_name, **erased))


def purgeable_text(texts, before):
    """Return purgeable(...) of entries as stored ({visitor id: JSON text}); only clear fields are read."""
    return purgeable({vid: json.loads(text) for vid, text in texts.items()}, before)


def purgeable(entries, before):
    """Return the ids of visitors who left before a time (ISO UTC) and still hold personal data."""
    return sorted(vid for vid, entry in entries.items()
                  if not entry.get("on_site") and not entry.get("purged")
                  and (entry.get("checked_out_at") or entry.get("left_unrecorded_at") or "") < before)


def shown(entry):
    """Return a visitor entry as a row, unshaped (the Visitor model declares who reads what)."""
    row = {k: v for k, v in entry.items() if k != "events"}
    row["phone"] = row.get("phone") or None
    return row


def matches(row, q):
    """Tell whether a shown row matches a search: name, organization, host, plate, last four."""
    needle = (q or "").strip().casefold()
    if not needle:
        return True
    texts = [row.get(k) or "" for k in ("name", "organization", "host", "plate")]
    if any(needle in text.casefold() for text in texts):
        return True
    return len(needle) == 4 and row.get("id_masked", "")[-4:].casefold() == needle


def listed(entries, *, on_site=None, entrance=None, shape=None, q=None):
    """Return the shown rows that pass the filters, newest first.

    `shape(row)` is the viewer's shaping: a search matches what the viewer reads, so a display
    cannot search hidden names nor a guard others' organizations or hosts.
    """
    rows = []
    for entry in entries.values():
        if on_site is not None and bool(entry.get("on_site")) != on_site:
            continue
        if entrance and entry.get("entrance_id") != entrance:
            continue
        row = shape(shown(entry)) if shape else shown(entry)
        if matches(row, q):
            rows.append(row)
    return sorted(rows, key=lambda r: r["registered_at"], reverse=True)
