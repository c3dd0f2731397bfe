"""Watchlist services: add, list and remove entries; confirm or dismiss a possible match."""
import json
import uuid

from server import events as ev
from server import ledger
from server.alerts import fold as alerts
from server.errors import Conflict, NotFound, Text, check
from server.identity.idcheck import ID_TYPES, mask_id
from server.identity.records import VISITORS, seen_key, vault
from server.watchlist import fold, hits, match
from server.watchlist.match import blind_key, sealed_key

NOTHING_TO_MATCH = Text("give a name, an ID number or a plate", "请填写姓名、证件号码或车牌中的至少一项")
NUMBER_MISSING = Text("give the ID number of this document type", "请填写该证件类型的号码")


def add_entry(ctx, *, actor, action, reason, name=None, aliases=(), id_type=None, id_number=None,
              plate=None, idem=None):
    """Add an entry: its ID number sealed in the vault with a blind index, the event masked."""
    fields = {}
    if id_type and not id_number:
        fields["id_number"] = NUMBER_MISSING
    if not (name or id_number or plate):
        fields["name"] = NOTHING_TO_MATCH
    check(fields)
    entry_id = uuid.uuid4().hex
    ops = []
    if id_number:
        keys = vault(ctx)
        blind = keys.blind_index(id_type, id_number)
        # The ciphertext, blind index and lookup are written by the commit that records the entry.
        ops = [("HSET", sealed_key(ctx, entry_id), "id", keys.encrypt(id_number, f"watchlist:{entry_id}"),
                "bi", blind),
               ("HSET", blind_key(ctx, blind), entry_id, "1")]
    event = ev.draft(fold.ADDED, actor=actor, data={
        "entry_id": entry_id, "name": name or "", "aliases": list(aliases or ()), "id_type": id_type if id_number else None,
        "id_masked": mask_id(id_number) if id_number else "", "plate": plate or "", "action": action,
        "reason": reason})
    entry = fold.apply({}, event)[entry_id]
    found = _on_site_hits(ctx, entry, id_number, plate)

    def answer(envs):
        return {"entry": entry, "event": envs[0]}
    return ledger.record(ctx, [event, *found], idem=idem, ops=ops, body=answer)


def _on_site_hits(ctx, entry, number, plate):
    """Draft a hit and its alert for each visitor on site the new entry matches exactly (ID or plate).

    Registration screens the people coming in; someone already inside when the entry is added
    would otherwise never be screened. Their ID numbers are matched by blind index under every
    document type, like a registration.
    """
    visitors = {vid: v for vid, v in ctx.store.projection(VISITORS).items() if v.get("on_site")}
    if not visitors:
        return []
    by_id = set()
    if number:
        keys = vault(ctx)
        by_id = ctx.store.members_of([seen_key(ctx, keys.blind_index(t, number)) for t in ID_TYPES])
    drafted = []
    for visitor_id, visitor in sorted(visitors.items()):
        matched_on = "id" if visitor_id in by_id else "plate" if plate and visitor.get("plate") == plate else None
        if matched_on:
            entrance_id = visitor["entrance_id"]
            entrance = ctx.venue.find("entrances", entrance_id)
            drafted += match.hit_events(ctx, [match.Hit(entry, "exact", matched_on)], visitor_id=visitor_id,
                                        entrance_id=entrance_id,
                                        locations=[entrance_id, entrance.zone_id if entrance else None])
    return drafted


def list_entries(ctx):
    """Return the watchlist, newest first (ID numbers masked)."""
    return fold.listed(ctx.store.projection(fold.NAME))


def _entry(ctx, entry_id):
    """Return an entry or raise NotFound."""
    raw = ctx.store.projection_fields(fold.NAME, [entry_id]).get(entry_id)
    if not raw:
        raise NotFound(Text(f"No watchlist entry {entry_id}.", f"监控名单中没有条目 {entry_id}。"))
    return json.loads(raw)


def remove_entry(ctx, *, actor, entry_id, note=None, idem=None):
    """Take an entry off the list; its sealed ID number and blind-index lookup are deleted with it."""
    _entry(ctx, entry_id)
    sealed = ctx.store.read_record(sealed_key(ctx, entry_id))
    ops = [("DEL", sealed_key(ctx, entry_id))]
    if sealed.get("bi"):
        ops.append(("HDEL", blind_key(ctx, sealed["bi"]), entry_id))

    def still_listed(state):
        """Refuse a removal that another request already made."""
        if not state[fold.NAME].get(entry_id):
            raise NotFound(Text(f"No watchlist entry {entry_id}.", f"监控名单中没有条目 {entry_id}。"))
    event = ev.draft(fold.REMOVED, actor=actor, data={"entry_id": entry_id, "note": note or ""})
    return ledger.record(ctx, [event], idem=idem, status=200, ops=ops, rule=still_listed,
                         body=lambda envs: {"event": envs[0]})


def decide_hit(ctx, *, actor, visitor_id, decision, note=None, idem=None):
    """Confirm or dismiss a possible match; an alert still open is acknowledged with it."""
    raw = ctx.store.projection_fields(hits.NAME, [visitor_id]).get(visitor_id)
    if not raw:
        raise NotFound(Text(f"No watchlist hit for visitor {visitor_id}.", f"访客 {visitor_id} 没有名单匹配。"))
    hit = json.loads(raw)
    alert = json.loads(ctx.store.projection_fields(alerts.NAME, [hit["alert_id"]]).get(hit["alert_id"]) or "{}")
    seen = {}

    def undecided(state):
        """Refuse an exact hit (nothing to decide) or a hit already decided, with the hit as now."""
        current = state[hits.NAME].get(visitor_id) or hit
        if current["match"] != "possible":
            raise Conflict(Text("An exact match needs no decision: acknowledge its alert.",
                                "精确匹配无需确认：请确认其警报。"), current={"hit": current})
        if current["status"] != "open":
            raise Conflict(Text(f"This match was already {current['status']}.", "该匹配已处理。"),
                           current={"hit": current})
        seen["hit"] = current

    events = [ev.draft(hits.DECISIONS[decision], actor=actor, locations=[hit["entrance_id"]],
                       data={"visitor_id": visitor_id, "entry_id": hit["entry_id"], "note": note or ""})]
    if alert.get("status") == "open":
        events.append(ev.draft(alerts.ACKNOWLEDGED, actor=actor, data={"alert_id": hit["alert_id"]}))

    def answer(envs):
        after = hits.apply({visitor_id: seen["hit"]}, events[0])[visitor_id]
        return {"hit": after, "event": envs[0]}
    return ledger.record(ctx, events, idem=idem, status=200, rule=undecided, body=answer)
