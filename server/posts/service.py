"""Posts services: go on and off duty, relieve, and the watcher's check of understaffed posts."""
import datetime as dt

from server import events as ev
from server import ledger
from server.alerts.fold import RAISED
from server.errors import Conflict, NotFound, Text, check
from server.posts import fold, settings
from server.posts.fold import NAME, OFF_DUTY, ON_DUTY, UNDERSTAFFED
from server.phase.service import current as current_phase

ALERT_SEVERITY = 2
UNKNOWN_POST = Text("No such post in this venue.", "本场馆没有这个岗位。")
NOT_ON_DUTY = Text("You are not on duty at this post.", "您不在这个岗位值守。")
ALREADY = Text("You are already on duty at this post.", "您已在这个岗位值守。")
NOT_THERE = Text("That guard is not on duty at this post.", "该安保人员不在这个岗位值守。")


def posts(ctx):
    """Return the venue's posts (empty when the venue file lists none)."""
    return ctx.venue.section(settings.KEY)


def find(ctx, post_id):
    """Return a post of the venue, or raise NotFound."""
    for post in posts(ctx):
        if post.id == post_id:
            return post
    raise NotFound(UNKNOWN_POST)


def _locations(post):
    """Return what the timeline's location filter finds a post's events by."""
    return [post.id] + ([post.zone_id] if post.zone_id else [])


def row(post, entry, phase):
    """Return a post's row: who is on duty since when, against what the phase needs."""
    entry = entry or fold._empty(post.id)
    needed, present = post.needed(phase), len(entry["on_duty"])
    staffing = ("not_needed" if not needed and not present else "staffed" if present >= needed
                else "short" if present else "unstaffed")
    return {"post_id": post.id, "name": post.name, "zone_id": post.zone_id, "needed": needed, "staffing": staffing,
            "on_duty": entry["on_duty"], "handover": entry.get("handover")}


def rows(ctx, entries, phase):
    """Return every post's row keyed by id, in the venue file's order."""
    return {p.id: row(p, entries.get(p.id), phase) for p in posts(ctx)}


def go_on_duty(ctx, *, actor, post_id, relieves=None, idem=None):
    """Put a guard on duty at a post (moving them from another, relieving a named guard there)."""
    post = find(ctx, post_id)
    if relieves == actor["username"]:
        check({"relieves": Text("You cannot relieve yourself.", "不能接替自己。")})
    entries = ctx.store.projection(NAME)
    elsewhere = fold.post_of(entries, actor["username"])
    events = []
    if elsewhere and elsewhere != post_id:  # one post at a time: leaving the other is part of the fact
        events.append(ev.draft(OFF_DUTY, actor=actor, locations=_locations(find(ctx, elsewhere)),
                               data={"post_id": elsewhere, "handover": ""}))
    events.append(ev.draft(ON_DUTY, actor=actor, locations=_locations(post),
                           data={"post_id": post_id, "relieves": relieves}))
    seen = {}

    def can_take(state):
        """Refuse a guard already there, or a relief of a guard who is not (on the guarded state)."""
        current = state[NAME].get(post_id) or fold._empty(post_id)
        names = {g["username"] for g in current["on_duty"]}
        if actor["username"] in names:
            raise Conflict(ALREADY)
        if relieves and relieves not in names:
            raise Conflict(NOT_THERE)
        seen.update(before=current)

    def answer(envs):
        before = seen.get("before") or fold._empty(post_id)
        return {"post": _after(ctx, post, before, events), "handover": before.get("handover"), "events": envs}
    return ledger.record(ctx, events, idem=idem, status=201, rule=can_take, body=answer)


def go_off_duty(ctx, *, actor, post_id, handover=None, idem=None):
    """Take a guard off duty at a post, keeping their handover note for the next guard."""
    post = find(ctx, post_id)
    events = [ev.draft(OFF_DUTY, actor=actor, locations=_locations(post),
                       data={"post_id": post_id, "handover": handover or ""})]
    seen = {}

    def is_there(state):
        """Refuse a guard who is not on duty here."""
        current = state[NAME].get(post_id) or fold._empty(post_id)
        if actor["username"] not in {g["username"] for g in current["on_duty"]}:
            raise Conflict(NOT_ON_DUTY)
        seen.update(before=current)

    def answer(envs):
        return {"post": _after(ctx, post, seen.get("before"), events), "handover": None, "events": envs}
    return ledger.record(ctx, events, idem=idem, status=201, rule=is_there, body=answer)


def _after(ctx, post, before, events):
    """Return the post's row as the drafted events leave the state the commit guarded."""
    entry = before or fold._empty(post.id)
    for event in events:
        if event["data"]["post_id"] == post.id:
            entry = fold.apply({post.id: entry}, event)[post.id]
    return row(post, entry, current_phase(ctx)[0])


def check_understaffed(ctx, now):
    """Alert once per post and session about a post short of guards past understaffed_after_min."""
    phase, since = current_phase(ctx)
    if phase != "in_session" or not since:
        return []
    grace = dt.timedelta(minutes=ctx.venue.section(settings.RULES_KEY).understaffed_after_min)
    if now < ev.parse_iso(since) + grace:
        return []
    entries, raised = ctx.store.projection(NAME), []
    for post in posts(ctx):
        current = row(post, entries.get(post.id), phase)
        if current["staffing"] not in ("short", "unstaffed"):
            continue
        alert_id = f"post-{post.id}-{since.replace(':', '')}"  # one per post and session, whichever watcher raises it
        event = ev.draft(RAISED, actor=ev.SYSTEM_ACTOR, locations=_locations(post), data={
            "alert_id": alert_id, "kind": UNDERSTAFFED, "severity": ALERT_SEVERITY, "post_id": post.id,
            "needed": current["needed"], "on_duty_count": len(current["on_duty"])})
        committed = ledger.record(ctx, [event], idem=ledger.system_idempotency(alert_id, {"post_id": post.id}))
        if not committed.replayed:
            raised.append(post.id)
    return raised
