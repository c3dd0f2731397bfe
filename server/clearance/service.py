"""Clearance services: the round as the board shows it, and a guard's zone confirmation."""
from server import events as ev
from server import ledger
from server.clearance import fold
from server.clearance.fold import COMPLETED, CONFIRMED, NAME
from server.errors import Busy, Conflict, NotFound, Text
from server.identity.records import VISITORS
from server.programme import service as programme
from server.programme.fold import NAME as PROGRAMME

ATTEMPTS = 8
NO_ROUND = Text("No clearance round is open: the venue is not in its post-event phase.",
                "当前没有进行中的清场：场馆不在会后阶段。")


class _Changed(Exception):
    """The round changed between drafting and the guarded commit: draft again."""


def zone_ids(ctx, entry=None, edits=None):
    """Return the zones a round covers, in the venue file's order: the zones of the meeting it
    follows when the venue has a programme (server/programme/, `edits`: its projection), else every zone."""
    scope = programme.clearance_scope(programme.planned(ctx, edits), entry)
    return [z.id for z in ctx.venue.zones if not scope or z.id in scope["zones"]]


def verdict(entry, visitors_left):
    """Say what the round amounts to: none, sweeping, zones_clear_visitors_left or cleared.

    Every zone swept clear is not the venue cleared while the visitors' roll still lists someone:
    the board says so until each of them is checked out or recorded as left unrecorded.
    """
    if not entry.get("round_id"):
        return "none"
    if not entry.get("completed_at"):
        return "sweeping"
    return "zones_clear_visitors_left" if visitors_left else "cleared"


def on_roll(visitor_entries):
    """Return how many visitors the roll still lists as on site."""
    return sum(1 for v in visitor_entries.values() if v and v.get("on_site"))


def board(ctx, entry, visitors_left=None, edits=None):
    """Return the round as the board shows it: every zone of the venue, cleared or not."""
    entry = entry or {}
    if visitors_left is None:
        visitors_left = on_roll(ctx.store.projection(VISITORS))
    zones = entry.get("zones") or {}
    edits = ctx.store.projection(PROGRAMME) if edits is None else edits
    rows = [{"zone_id": z, "state": "open", **(zones.get(z) or {})} for z in zone_ids(ctx, entry, edits)]
    scope = programme.clearance_scope(programme.planned(ctx, edits), entry)
    return {"round_id": entry.get("round_id"), "meeting_id": scope and scope["meeting_id"], "open": bool(entry.get("open")),
            "started_at": entry.get("started_at"), "started_by": entry.get("started_by"),
            "completed_at": entry.get("completed_at"), "took_s": entry.get("took_s"),
            "venue_cleared": bool(entry.get("completed_at")), "visitors_left": visitors_left,
            "verdict": verdict(entry, visitors_left), "zones": rows}


def current_round(ctx, projection=None):
    """Return the round's projection entry (None before the first post_event)."""
    projection = ctx.store.projection(NAME) if projection is None else projection
    return projection.get("round")


def _draft(ctx, actor, entry, zone_id, people_found, note):
    """Draft the confirmation, and the completion when it clears the last open zone."""
    round_id = (entry or {}).get("round_id") or ""
    events = [ev.draft(CONFIRMED, actor=actor, locations=[zone_id],
                       data={"round_id": round_id, "zone_id": zone_id, "people_found": people_found,
                             "note": note or ""})]
    if entry and people_found == 0 and fold.uncleared(entry, zone_ids(ctx, entry)) == [zone_id]:
        took = max(0, int((ev.utc_now() - ev.parse_iso(entry["started_at"])).total_seconds()))
        events.append(ev.draft(COMPLETED, actor=ev.SYSTEM_ACTOR,
                               data={"round_id": round_id, "started_at": entry["started_at"],
                                     "took_s": took, "zones": len(zone_ids(ctx, entry))}))
    return events


def confirm_zone(ctx, *, actor, zone_id, people_found, note=None, idem=None):
    """Record a zone swept; the last zone cleared also records clearance.completed, once.

    The round is judged on the state the commit guards, so two guards confirming the last two
    zones at the same moment (on two processes) cannot both miss, or both record, completion.
    """
    if zone_id not in zone_ids(ctx):
        raise NotFound(Text(f"No zone {zone_id}.", f"没有区域 {zone_id}。"))
    for _ in range(ATTEMPTS):
        drafted_on = current_round(ctx)
        events = _draft(ctx, actor, drafted_on, zone_id, people_found, note)
        seen = {}

        def still_so(state):
            """Refuse a confirmation the round does not allow; redraft when the round moved on."""
            entry = state[NAME].get("round")
            if not entry or not entry["open"]:
                raise Conflict(NO_ROUND, code="no_round", current={"status": "no_round"})
            if zone_id not in zone_ids(ctx, entry):
                raise Conflict(Text(f"Zone {zone_id} is not part of this round (the meeting did not use it).",
                                    f"区域 {zone_id} 不在本轮清场范围内（本场会议未使用）。"),
                               code="zone_not_in_round", current={"status": "not_in_round"})
            if (entry["zones"].get(zone_id) or {}).get("state") == fold.CLEARED:
                raise Conflict(Text(f"Zone {zone_id} is already cleared in this round.",
                                    f"区域 {zone_id} 在本轮清场中已确认清空。"),
                               code="zone_cleared", current={"status": fold.CLEARED})
            if entry != drafted_on:
                raise _Changed()
            seen["round"] = entry

        def answer(envs):
            """Return the round as these events leave it, and the events."""
            state = dict(seen)
            for event in events:
                state.update(fold.apply(state, event))
            return {"clearance": board(ctx, state["round"]), "events": envs}
        try:
            return ledger.record(ctx, events, idem=idem, rule=still_so, body=answer)
        except _Changed:
            continue
    raise Busy("The clearance board is changing fast; please retry.")
