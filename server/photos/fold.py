"""Photos as a fold of events (pure: no I/O): which photos exist and what they are attached to.

A photo is attached by any event whose data lists it in `photo_ids` (an incident's report, a
photo added to it, a hazard; an inspection's results each): the photos concept need not know those concepts.
"""
NAME = "photos"
UPLOADED = "photo.uploaded"
DISCARDED = "photo.discarded"
# Uploads and discards, and any other concept's event that lists photos (an incident, an
# inspection, a hazard): this concept does not know those types, so it reads every type.
EVENTS = None


def _ids(mapping):
    """Return the photo ids a mapping lists under `photo_ids`."""
    ids = mapping.get("photo_ids") if isinstance(mapping, dict) else None
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def _listed(event):
    """Return the photo ids an event of another concept attaches (an inspection: per result)."""
    data = event.get("data")
    results = data.get("results") if isinstance(data, dict) else None
    nested = [i for r in results for i in _ids(r)] if isinstance(results, list) else []
    return list(dict.fromkeys(_ids(data) + nested))


def touches(event):
    """Return the photos an event's outcome depends on."""
    if event["type"] in (UPLOADED, DISCARDED):
        return [event["data"]["photo_id"]]
    return _listed(event)


def apply(state, event):
    """Fold an upload, a discard or an attachment into the photos' entries."""
    data = event["data"]
    if event["type"] == UPLOADED:
        return {data["photo_id"]: {**data, "uploaded_by": event["actor"]["username"],
                                   "uploaded_at": event["ts"], "attached_by": None}}
    if event["type"] == DISCARDED:
        return {data["photo_id"]: None}
    changes = {}
    for photo_id in _listed(event):
        entry = state.get(photo_id)
        if entry and not entry["attached_by"]:
            changes[photo_id] = {**entry, "attached_by": event["id"]}
    return changes


def unattached_before(entries, moment):
    """Return the ids of photos nobody attached that were uploaded before an ISO time."""
    return sorted(pid for pid, e in entries.items() if e and not e["attached_by"] and e["uploaded_at"] < moment)
