"""Clearance rounds as a fold of events (pure: no I/O).

Entering post_event opens a round; each zone is confirmed by a guard; a zone where people were
found stays open until a later confirmation finds nobody; the round completes once.
"""
from server.phase.fold import CHANGED as PHASE_CHANGED

NAME = "clearance"
POST_EVENT = "post_event"
CONFIRMED = "clearance.zone_confirmed"
COMPLETED = "clearance.completed"
CLEARED, PEOPLE_FOUND = "cleared", "people_found"
EVENTS = frozenset({PHASE_CHANGED, CONFIRMED, COMPLETED})


def touches(event):
    """Return the entries an event depends on: the one round (a phase change may open it)."""
    return ["round"] if event["type"] in (PHASE_CHANGED, CONFIRMED, COMPLETED) else []


def _opened(event):
    """Return a fresh round opened by the phase change into post_event."""
    return {"round_id": event["id"], "started_at": event["ts"], "started_by": event["actor"]["username"],
            "open": True, "zones": {}, "completed_at": None, "took_s": None}


def _confirmed(entry, event):
    """Return the round after a zone confirmation."""
    data = event["data"]
    before = entry["zones"].get(data["zone_id"]) or {}
    zone = {"state": CLEARED if data["people_found"] == 0 else PEOPLE_FOUND,
            "people_found": data["people_found"], "note": data.get("note") or "",
            "by": event["actor"]["username"], "at": event["ts"],
            "confirmations": before.get("confirmations", 0) + 1,
            # who found people first is kept: the board shows the zone needed a second sweep
            "found_earlier": max(before.get("found_earlier", 0), before.get("people_found", 0))}
    return {**entry, "zones": {**entry["zones"], data["zone_id"]: zone}}


def apply(state, event):
    """Fold a phase change, a zone confirmation or the completion into the round."""
    entry = state.get("round")
    if event["type"] == PHASE_CHANGED:
        if event["data"]["phase"] == POST_EVENT:
            return {"round": _opened(event)}
        return {"round": {**entry, "open": False}} if entry and entry["open"] else {}
    if not entry or event["type"] not in (CONFIRMED, COMPLETED) or event["data"]["round_id"] != entry["round_id"]:
        return {}
    if event["type"] == CONFIRMED:
        return {"round": _confirmed(entry, event)}
    return {"round": {**entry, "completed_at": event["ts"], "took_s": event["data"]["took_s"]}}


def uncleared(entry, zone_ids):
    """Return the zones of a round not yet cleared, in the venue's order."""
    zones = (entry or {}).get("zones") or {}
    return [z for z in zone_ids if (zones.get(z) or {}).get("state") != CLEARED]
