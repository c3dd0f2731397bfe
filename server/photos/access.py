"""Who may see a photo: whoever may read the record it is attached to (DESIGN §1.10).

Staff see every photo. A guard sees a photo they uploaded, one attached by an event they
caused (their report, their inspection), and one attached to an incident or a hazard they
may read (assigned to them). A display reads no photos at all (no permission).
"""
from server.visibility import STAFF


def _incident_readable(ctx, data, viewer):
    """Tell whether the incident an event names is one the viewer reads."""
    from server.incidents import service as incidents  # imports the photos service itself
    from server.errors import NotFound
    try:
        incidents.incident(ctx, data["incident_id"], viewer)
    except NotFound:
        return False
    return True


def _hazard_readable(ctx, data, viewer):
    """Tell whether the hazard an event names is one the viewer reads."""
    from server.errors import NotFound
    from server.inspections import service as inspections
    try:
        return inspections.readable_hazard(inspections.hazard(ctx, data["hazard_id"]), viewer)
    except NotFound:
        return False


# The records a photo may be attached to: the key an attaching event names them by, and the rule.
RECORDS = (("incident_id", _incident_readable), ("hazard_id", _hazard_readable))


def readable(ctx, entry, viewer):
    """Tell whether a viewer may see a stored photo."""
    if viewer.role in STAFF or entry.get("uploaded_by") == viewer.username:
        return True
    attached = entry.get("attached_by")
    found = ctx.store.events_by_ids([attached]) if attached else []
    if not found:
        return False
    event = found[0]
    if (event.get("actor") or {}).get("username") == viewer.username:
        return True
    data = event.get("data") or {}
    return any(key in data and rule(ctx, data, viewer) for key, rule in RECORDS)
