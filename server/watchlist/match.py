"""Screening a registration against the watchlist, and what a hit records.

Exact: the ID number's blind index under any document type (a number listed as a resident ID
is the same person when shown as a passport), or the normalised plate. Possible: the name or an alias
(`names.similar`). Only an exact hit on a `deny` entry refuses a registration; every other
hit lets it proceed and alerts the control room. The refusal answers 409 `visitor_denied`
(recorded first, like any fact): a client that knows nothing of watchlists still shows an
error, never a green "Saved", and the guard's screen tells them to hold the person.
"""
import json
from dataclasses import dataclass

from server import events as ev
from server import ledger
from server.alerts import fold as alerts
from server.store import Committed
from server.identity.idcheck import ID_TYPES
from server.watchlist import fold, names
from server.watchlist.hits import DENIED, HIT

MATCHED_RANK = {"id": 0, "plate": 1, "name": 2, "alias": 3}
INSTRUCTION = {"en": "On the watchlist: do not let this person in. Hold them and call the control room now.",
               "zh": "此人在监控名单上，禁止入场。请稳住此人，并立即联系指挥中心。"}


@dataclass(frozen=True)
class Hit:
    """One entry a registration matched, and how."""

    entry: dict
    match: str  # exact | possible
    matched_on: str  # id | plate | name | alias

    @property
    def denies(self):
        """Tell whether this hit refuses the registration (exact, on a deny entry)."""
        return self.match == "exact" and self.entry["action"] == "deny"

    def rank(self):
        """Sort key: refusals first, then exact before possible, ID before plate before name."""
        return (not self.denies, self.match != "exact", MATCHED_RANK[self.matched_on], self.entry["entry_id"])


def sealed_key(ctx, entry_id):
    """Key of the hash holding an entry's encrypted ID number and its blind index."""
    return ctx.store.keys.of("watchlist_id", entry_id)


def blind_key(ctx, blind):
    """Key of the hash {entry id: 1} of the entries holding one document (the exact lookup)."""
    return ctx.store.keys.of("watchlist_bi", blind)


def _hit(entry, id_listed, name, plate):
    """Return how one entry matches a registration, or None."""
    if id_listed:
        return Hit(entry, "exact", "id")
    if plate and entry.get("plate") == plate:
        return Hit(entry, "exact", "plate")
    if entry.get("name") and names.similar(name, entry["name"]):
        return Hit(entry, "possible", "name")
    if any(names.similar(name, alias) for alias in entry.get("aliases") or ()):
        return Hit(entry, "possible", "alias")
    return None


def listing(ctx, keys, number):
    """Return the ids of the entries holding a normalised number, whatever type each was listed as.

    Entries are indexed by (type, number): the number's index under every type is looked up, so
    entries listed before this rule keep matching without being indexed again.
    """
    if not number:
        return set()
    records = ctx.store.read_records([blind_key(ctx, keys.blind_index(t, number)) for t in ID_TYPES])
    return {entry_id for record in records for entry_id in record}


def screen(ctx, *, plate, name="", number=None, keys=None):
    """Return the entries a registration matches, strongest first (empty: no hit).

    `number` is the normalised ID number and `keys` the vault indexing it. A vehicle at a gate
    is screened by its plate alone: `screen(ctx, plate=plate)`.
    """
    entries = ctx.store.projection(fold.NAME)
    if not entries:
        return []
    listed = listing(ctx, keys, number) if keys else set()
    hits = (_hit(entry, entry_id in listed, name, plate) for entry_id, entry in entries.items())
    return sorted((h for h in hits if h), key=Hit.rank)


def _alert(ctx, hit, *, visitor_id, entrance_id, kind, locations):
    """Draft the control room's alert for a hit (on the entrance's marker when it is one)."""
    checkpoint = entrance_id if ctx.venue.find("checkpoints", entrance_id) else None
    return ev.draft(alerts.RAISED, actor=ev.SYSTEM_ACTOR, locations=locations, data={
        "alert_id": f"watchlist-{visitor_id}", "kind": kind, "severity": 1 if hit.match == "exact" else 2,
        "checkpoint_id": checkpoint, "visitor_id": visitor_id, "entry_id": hit.entry["entry_id"],
        "match": hit.match, "entrance_id": entrance_id})


def hit_events(ctx, hits, *, visitor_id, entrance_id, locations):
    """Draft the events a proceeding registration adds for its hits: the hit and its alert."""
    if not hits:
        return []
    best = hits[0]
    hit = ev.draft(HIT, actor=ev.SYSTEM_ACTOR, locations=locations, data={
        "visitor_id": visitor_id, "entry_id": best.entry["entry_id"], "match": best.match,
        "matched_on": best.matched_on, "action": best.entry["action"], "entrance_id": entrance_id,
        "alert_id": f"watchlist-{visitor_id}", "entry_name": best.entry.get("name", ""),
        "reason": best.entry.get("reason", ""), "other_entry_ids": [h.entry["entry_id"] for h in hits[1:]]})
    return [hit, _alert(ctx, best, visitor_id=visitor_id, entrance_id=entrance_id, kind="watchlist_hit",
                        locations=locations)]


def refuse(ctx, hit, *, actor, idem, visitor_id, name, id_type, id_masked, entrance_id, plate, locations):
    """Record a refused registration (visitor.denied and its alert); answer 409 visitor_denied."""
    denied = ev.draft(DENIED, actor=actor, locations=locations, data={
        "visitor_id": visitor_id, "name": name, "id_type": id_type, "id_masked": id_masked,
        "entrance_id": entrance_id, "plate": plate, "entry_id": hit.entry["entry_id"],
        "matched_on": hit.matched_on, "alert_id": f"watchlist-{visitor_id}",
        "reason": hit.entry.get("reason", "")})
    alert = _alert(ctx, hit, visitor_id=visitor_id, entrance_id=entrance_id, kind="watchlist_denied",
                   locations=locations)

    def answer(envs):
        return {"error": {"code": "visitor_denied", "message": INSTRUCTION["en"], "fields": {}},
                "denied": True, "instruction": INSTRUCTION,
                "denial": {"visitor_id": visitor_id, "name": name, "id_masked": id_masked,
                           "entrance_id": entrance_id},
                "event": envs[0]}
    return ledger.record(ctx, [denied, alert], idem=idem, status=409, body=answer)


def in_language(committed, lang):
    """Return a denial's answer with its message in the caller's language (others unchanged)."""
    if committed.status != 409 or not committed.body_text:
        return committed
    body = json.loads(committed.body_text)
    if body.get("error", {}).get("code") != "visitor_denied":
        return committed
    body["error"]["message"] = body["instruction"].get(lang, body["instruction"]["en"])
    return Committed(ids=committed.ids, status=committed.status, replayed=committed.replayed,
                     body_text=json.dumps(body, ensure_ascii=False))
