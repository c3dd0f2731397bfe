"""Watchlist hits at registration and the control room's decisions, as a fold (pure: no I/O).

One entry per visitor who matched: the strongest hit, its alert, and — for a possible match —
whether an operator confirmed or dismissed it.
"""
NAME = "watchlist_hits"
HIT = "visitor.watchlist_hit"
DENIED = "visitor.denied"
CONFIRMED = "visitor.watchlist_confirmed"
DISMISSED = "visitor.watchlist_dismissed"
DECISIONS = {"confirm": CONFIRMED, "dismiss": DISMISSED}
STATUS_OF = {CONFIRMED: "confirmed", DISMISSED: "dismissed"}
EVENTS = frozenset({HIT, *STATUS_OF})  # a denial opens no hit: the visitor never came in


def touches(event):
    """Return the hits a decision depends on (a hit itself depends on nothing)."""
    return [event["data"]["visitor_id"]] if event["type"] in STATUS_OF else []


def apply(state, event):
    """Fold a hit (open) or a decision on it (confirmed or dismissed)."""
    data = event["data"]
    if event["type"] == HIT:
        return {data["visitor_id"]: {**data, "status": "open", "raised_at": event["ts"]}}
    current = state.get(data.get("visitor_id"))
    if event["type"] in STATUS_OF and current and current["status"] == "open":
        return {data["visitor_id"]: {**current, "status": STATUS_OF[event["type"]], "note": data.get("note", ""),
                                     "decided_by": event["actor"]["username"], "decided_at": event["ts"]}}
    return {}
