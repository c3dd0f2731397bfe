"""Visitor services: register, check out, list, read one, reveal an ID number (audited)."""
import datetime as dt
import json
import uuid
from types import SimpleNamespace

from server import ledger, sealing, visibility
from server.offload import run_heavy
from server import events as ev
from server.errors import Conflict, Gone, NotFound, Text, check
from server.expected.rows import arrival_of
from server.patrols.service import observed_time
from server.visitors import fold
from server.visitors.fold import CHECKED_OUT, LEFT_UNRECORDED, NAME, PURGED, REGISTERED, REVEALED
from server.identity.idcheck import mask_id, normalise_plate
from server.identity.records import record, seen_key, vault
from server.visitors.models import Visitor
from server.watchlist import match

DENIED = "visitor.denied"  # server/watchlist/hits.py: a refused attempt has a sealed record too
UNKNOWN_ENTRANCE = Text("unknown entrance", "未知的出入口")


def personal_key(ctx, visitor_id):
    """Key of the hash holding a visitor's encrypted ID number, blind index and data key."""
    return ctx.store.keys.of(*record(visitor_id))


def _entrance(ctx, entrance_id, fields):
    """Return the entrance's zone, noting an unknown entrance in fields."""
    entrance = ctx.venue.find("entrances", entrance_id)
    if not entrance:
        fields["entrance_id"] = UNKNOWN_ENTRANCE
        return None
    return entrance.zone_id


def register_visitor(ctx, *, actor, name, id_type, id_number, purpose, entrance_id, phone=None,
                     organization=None, host=None, plate=None, badge=None, expected_until=None,
                     idem=None):
    """Register a visitor: the ID number goes to the vault, the event carries it masked.

    Name, phone, plate, organization, host and purpose are stored sealed under a new data key
    of this visitor, made by the ledger in the same commit (the event type declares them).
    """
    fields = {}
    zone = _entrance(ctx, entrance_id, fields)
    until = None
    if expected_until is not None:
        try:
            until = ev.iso(expected_until)
        except OverflowError:  # year 1 at +08:00 has no UTC counterpart
            fields["expected_until"] = Text("is out of range", "超出范围")
        else:
            if expected_until.astimezone(dt.timezone.utc) <= ev.utc_now():
                fields["expected_until"] = Text("is in the past", "时间已过")
    check(fields)
    visitor_id = uuid.uuid4().hex
    keys = vault(ctx)
    blind = keys.blind_index(id_type, id_number)
    plate, unusual = normalise_plate(plate) if plate else ("", False)
    hits = match.screen(ctx, name=name, number=id_number, keys=keys, plate=plate)
    if hits and hits[0].denies:  # recorded as visitor.denied; the person is not registered
        return match.refuse(ctx, hits[0], actor=actor, idem=idem, visitor_id=visitor_id, name=name,
                            id_type=id_type, id_masked=mask_id(id_number), entrance_id=entrance_id,
                            plate=plate, locations=[entrance_id, zone])
    expected_id = arrival_of(ctx, blind)  # on today's expected list: marked, linked to the row
    event = ev.draft(REGISTERED, actor=actor, locations=[entrance_id, zone], data={
        "visitor_id": visitor_id, "name": name, "id_type": id_type, "id_masked": mask_id(id_number),
        "phone": phone or "", "organization": organization or "", "purpose": purpose,
        "host": host or "", "entrance_id": entrance_id, "plate": plate, "plate_unusual": unusual,
        "badge": badge or "", "expected_until": until, "expected": bool(expected_id), "expected_id": expected_id,
        "returning": ctx.store.has_members(seen_key(ctx, blind))})
    # The ciphertext and blind index are written by the same atomic commit as the event.
    ops = [("HSET", personal_key(ctx, visitor_id), "id", keys.encrypt(id_number, visitor_id), "bi", blind),
           ("SADD", seen_key(ctx, blind), visitor_id)]

    found = match.hit_events(ctx, hits, visitor_id=visitor_id, entrance_id=entrance_id, locations=[entrance_id, zone])

    def answer(envs):
        entry = dict(fold.apply({}, event)[visitor_id], watchlist_hit=bool(found))
        return {"visitor": fold.shown(entry), "event": envs[0]}  # shaped for the caller as answered
    return ledger.record(ctx, [event, *found], idem=idem, ops=ops, body=answer)


def _existing(ctx, visitor_id):
    """Return a visitor's projection entry or raise NotFound."""
    raw = ctx.store.projection_fields(NAME, [visitor_id]).get(visitor_id)
    if not raw:
        raise NotFound(f"No visitor {visitor_id}.")
    return json.loads(raw)


def _still_on_site(entry, viewer, seen, visitor_id):
    """Return a commit rule: refuse unless the visitor is on site in the state the commit guards."""
    def rule(state):
        current = state[NAME].get(visitor_id) or entry
        if not current.get("on_site"):
            raise Conflict(Text("This visitor is no longer on the roll (already checked out or recorded as left).",
                                "该访客已不在名册上（已签出或已记为未登记离场）。"),
                           current={"visitor": visibility.shape(Visitor, fold.shown(current), viewer)})
        seen["entry"] = current
    return rule


def _leave(ctx, event, *, actor, visitor_id, entry, idem):
    """Commit an event that takes a visitor off the roll, guarded by their being on it."""
    seen = {}
    viewer = visibility.Viewer(actor["role"], actor["username"])

    def answer(envs):
        after = fold.apply({visitor_id: seen["entry"]}, event)[visitor_id]
        return {"visitor": fold.shown(after), "event": envs[0]}
    return ledger.record(ctx, [event], idem=idem, status=200,
                         rule=_still_on_site(entry, viewer, seen, visitor_id), body=answer)


def checkout_visitor(ctx, *, actor, visitor_id, entrance_id, left_at=None, idem=None):
    """Record a visitor leaving (left_at: a late check-out, when they left); a second one is refused."""
    entry = _existing(ctx, visitor_id)
    fields = {}
    zone = _entrance(ctx, entrance_id, fields)
    observed = None
    if left_at is not None:
        errors, observed = observed_time(left_at, ev.utc_now())
        fields.update({"left_at": message for message in errors.values()})
        if observed and observed < entry["registered_at"]:
            fields["left_at"] = Text("is before the visitor was registered", "早于访客登记时间")
    check(fields)
    data = {"visitor_id": visitor_id, "name": entry["name"], "entrance_id": entrance_id}
    if left_at is not None:
        data["late"] = True
    event = ev.draft(CHECKED_OUT, actor=actor, locations=[entrance_id, zone], observed_at=observed, data=data)
    return _leave(ctx, event, actor=actor, visitor_id=visitor_id, entry=entry, idem=idem)


def record_left_unrecorded(ctx, *, actor, visitor_id, note=None, idem=None):
    """Take a visitor off the roll who left without a recorded check-out (a fact of its own)."""
    entry = _existing(ctx, visitor_id)
    gate = entry.get("entrance_id") or ""
    zone = (ctx.venue.find("entrances", gate) or SimpleNamespace(zone_id=None)).zone_id
    event = ev.draft(LEFT_UNRECORDED, actor=actor, locations=[gate, zone],
                     data={"visitor_id": visitor_id, "name": entry["name"], "entrance_id": gate,
                           "note": (note or "").strip()})
    return _leave(ctx, event, actor=actor, visitor_id=visitor_id, entry=entry, idem=idem)


def list_visitors(ctx, *, viewer, on_site=None, entrance=None, q=None):
    """Return the visitors as a viewer reads them, filtered on what they read, newest first."""
    return fold.listed(ctx.store.projection(NAME), on_site=on_site, entrance=entrance, q=q,
                       shape=lambda row: visibility.shape(Visitor, row, viewer))


def visitor_with_history(ctx, *, viewer, visitor_id):
    """Return (visitor as the viewer reads it, its events as that viewer receives them, shaped).

    The history is what the viewer receives live: all of it for feed screens (shaped), for a
    guard only what they did themselves.
    """
    entry = _existing(ctx, visitor_id)
    events = ctx.store.events_by_ids(entry.get("events", []))
    history = ctx.registry.visible(events, viewer.role, viewer.username, ctx.venue.id)
    if entry.get("purged"):
        # The stream keeps its entries; what the purge erased is not answered back from them.
        history = [fold.anonymous(envelope, entry["name"]) for envelope in history]
    return visibility.shape(Visitor, fold.shown(entry), viewer), history


def reveal_id(ctx, *, actor, visitor_id, idem=None):
    """Record who read a visitor's full ID number; return (Committed, the number).

    The number is decrypted here and added to the answer by the view: the answer kept for
    Idempotency-Key replays and the event hold only the visitor id and the masked form.
    """
    entry = _existing(ctx, visitor_id)
    sealed = ctx.store.read_record(personal_key(ctx, visitor_id)).get("id")
    if not sealed:
        raise Gone(Text("This visitor's personal data was purged.", "该访客的个人信息已清除。"))
    number = vault(ctx).decrypt(sealed, visitor_id)
    event = ev.draft(REVEALED, actor=actor, locations=[entry["entrance_id"]],
                     data={"visitor_id": visitor_id, "id_type": entry["id_type"],
                           "id_masked": entry["id_masked"]})
    committed = ledger.record(ctx, [event], idem=idem, status=200,
                              body=lambda envs: {"visitor_id": visitor_id, "event": envs[0]})
    return committed, number


PURGE_BATCH = 500  # visitors per visitor.purged event: keeps one commit small


def purge_visitors(ctx, *, actor, before):
    """Erase name, phone, plate and the sealed ID of visitors who left before `before`.

    The anonymous record stays (masked name, masked ID, times, gates), so counts and the
    timeline stay whole. Return how many visitors were purged.
    """
    horizon = ev.iso(before)
    # Which to purge reads no personal field, so nothing is opened; decoding every visitor of the
    # retention period (80,000 at a congress) runs off the loop.
    raw = ctx.store.projection_text(NAME)
    ids = run_heavy(ctx, fold.purgeable_text, raw, horizon, kind="scan") + _refused_before(ctx, before)
    for start in range(0, len(ids), PURGE_BATCH):
        batch = ids[start:start + PURGE_BATCH]
        ops = []
        for visitor_id in batch:
            blind = ctx.store.read_record(personal_key(ctx, visitor_id)).get("bi")
            ops.append(("DEL", personal_key(ctx, visitor_id)))
            if blind:
                ops.append(("SREM", seen_key(ctx, blind), visitor_id))
        event = ev.draft(PURGED, actor=actor,
                         data={"before": horizon, "count": len(batch), "visitor_ids": batch})
        ledger.record(ctx, [event], ops=ops)
    return len(ids)


def _refused_before(ctx, before):
    """Return the ids of refused attempts (visitor.denied) before a time whose data key remains."""
    high = f"{int(before.timestamp() * 1000)}-0"
    event_ids = ctx.store.index_ids("type", DENIED, "-", high, False, 100000)
    attempts = [e["data"]["visitor_id"] for e in ctx.store.events_by_ids(event_ids)]
    return [a for a in attempts if ctx.store.read_record(personal_key(ctx, a))]


PURGE_EVERY = dt.timedelta(hours=1)
_next_purge = {}  # venue id -> when this process's watcher next looks (the read costs the whole list)


def purge_timer(ctx, now):
    """Purge visitors past retention, at most once an hour per process (the watcher's timer)."""
    if now < _next_purge.get(ctx.venue.id, now):
        return 0
    _next_purge[ctx.venue.id] = now + PURGE_EVERY
    count = purge_visitors(ctx, actor=ev.SYSTEM_ACTOR, before=now - dt.timedelta(days=ctx.settings.retention_days))
    if count:
        sealing.forget_on_disk(ctx)  # the append-only file still held what was erased
    return count
