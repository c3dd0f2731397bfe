"""Vehicle services: log a vehicle in or out through a gate, list them, count them."""
import json
import uuid

from server import events as ev
from server import ledger
from server.alerts.fold import RAISED
from server.errors import Conflict, Text, check
from server.vehicles import fold
from server.vehicles.fold import ENTERED, LEFT, NAME
from server.identity.idcheck import normalise_plate
from server.identity.records import VISITORS, vault
from server.watchlist import match

UNKNOWN_ENTRANCE = Text("unknown entrance", "未知的出入口")
ALREADY_IN = Text("This vehicle is already on site: log it out first.", "该车辆已在场内，请先登记驶出。")
NOT_IN = Text("This vehicle is not on site: it cannot leave.", "该车辆不在场内，无法登记驶出。")
UNKNOWN_VISITOR = Text("no registered visitor has this id", "没有此编号的登记访客")
PURGED_VISITOR = Text("this visitor's personal data was purged: log the vehicle without them",
                      "该访客的个人信息已清除：请不关联访客登记车辆")
NO_PASS_SEVERITY = 2
WATCHLIST_SEVERITY = 1


def pass_required(entrance):
    """Tell whether the venue file says a vehicle needs a pass at this gate."""
    return bool(getattr(entrance, "vehicle_pass_required", False))


def _watchlist_hit(ctx, plate):
    """Return the watchlist entry a plate matches exactly, or None (plates are matched whole)."""
    hits = [h for h in match.screen(ctx, plate=plate) if h.matched_on == "plate"]
    return {"watchlist_id": hits[0].entry["entry_id"], "action": hits[0].entry["action"]} if hits else None


def plate_key(ctx, plate):
    """Return the keyed digest of a normalised plate: the vehicle's key in the vehicles projection."""
    return vault(ctx).blind_index("plate", plate)


def _visitor(ctx, visitor_id, fields):
    """Note in fields a visitor that cannot be linked: unknown, or purged (no data key to seal with)."""
    raw = ctx.store.projection_fields(VISITORS, [visitor_id]).get(visitor_id)
    if not raw:
        fields["visitor_id"] = UNKNOWN_VISITOR
    elif json.loads(raw).get("purged"):
        fields["visitor_id"] = PURGED_VISITOR


def _alert(kind, severity, locations, **data):
    """Draft an alert.raised about a vehicle."""
    return ev.draft(RAISED, actor=ev.SYSTEM_ACTOR, locations=locations,
                    data={"alert_id": f"{kind}-{uuid.uuid4().hex}", "kind": kind, "severity": severity, **data})


def log_vehicle(ctx, *, actor, plate, direction, entrance_id, kind, pass_id=None, visitor_id=None, idem=None):
    """Record a vehicle in or out; in twice or out twice is refused (409) with the vehicle as now."""
    entrance = ctx.venue.find("entrances", entrance_id)
    fields = {} if entrance else {"entrance_id": UNKNOWN_ENTRANCE}
    if visitor_id:
        _visitor(ctx, visitor_id, fields)
    check(fields)
    plate, unusual = normalise_plate(plate)
    locations = [entrance_id, entrance.zone_id]
    entering = direction == "in"
    key = plate_key(ctx, plate)
    data = {"plate": plate, "plate_key": key, "plate_unusual": unusual, "kind": kind, "entrance_id": entrance_id,
            "pass_id": pass_id or None, "visitor_id": visitor_id or None}
    events = []
    if entering:
        data["no_pass"] = pass_required(entrance) and not pass_id
    events.append(ev.draft(ENTERED if entering else LEFT, actor=actor, locations=locations, data=data))
    if entering and data["no_pass"]:
        events.append(_alert("vehicle_no_pass", NO_PASS_SEVERITY, locations, plate=plate,
                             entrance_id=entrance_id, vehicle_kind=kind, visitor_id=visitor_id or None))
    hit = _watchlist_hit(ctx, plate)
    if hit:
        events.append(_alert("vehicle_watchlist", WATCHLIST_SEVERITY, locations, plate=plate, entrance_id=entrance_id,
                             watchlist_id=hit.get("watchlist_id"), visitor_id=visitor_id or None))
    seen = {}

    def in_or_out(state):
        """Refuse entering while on site and leaving while not, on the state the commit guards."""
        found, current = fold.current(state[NAME], data)
        inside = bool(current and current.get("on_site"))
        if inside == entering:
            raise Conflict(ALREADY_IN if entering else NOT_IN, current={"vehicle": current})
        seen["state"] = {found: current} if current else {}

    def answer(envs):
        after = fold.apply(seen.get("state") or {}, events[0])[key]
        return {"vehicle": after, "event": envs[0]}
    return ledger.record(ctx, events, idem=idem, status=201, rule=in_or_out, body=answer)


def list_vehicles(ctx, *, on_site=None, entrance=None):
    """Return the vehicles that pass the filters and the counts on site."""
    entries = ctx.store.projection(NAME)
    return {"vehicles": fold.listed(entries, on_site=on_site, entrance=entrance), "on_site": fold.counts(entries)}
