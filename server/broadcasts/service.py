"""Broadcast services: send, acknowledge, list, and the unacknowledged timer."""
import datetime as dt
import json
import uuid

from server import events as ev
from server import ledger
from server.accounts.rules import cannot_answer
from server.alerts import fold as alerts
from server.broadcasts import fold
from server.broadcasts.fold import ACKNOWLEDGED, NAME, SENT
from server.concept import STAFF_ROLES
from server.errors import Conflict, Forbidden, NotFound, Text, check
from server.incidents import fold as incidents

RECENT = 50
ALERT_SEVERITY = 3  # a message unread is worth a look, not an alarm


def recipients(ctx, to, role=None, username=None):
    """Return the enabled accounts a message goes to (to: all = every guard)."""
    if to == "username":
        why = cannot_answer(ctx.accounts.get_user(username))
        if why:
            check({"username": why})
        return [username]
    wanted = "guard" if to == "all" else role
    found = sorted(u["username"] for u in ctx.accounts.list_users()
                   if u.get("role") == wanted and u.get("disabled") != "1")
    if not found:
        check({"to" if to == "all" else "role": Text(f"no enabled {wanted} account to send to",
                                                     "没有可接收消息的在用账号")})
    return found


def send_broadcast(ctx, *, actor, text, to, role=None, username=None, idem=None):
    """Send a message to every guard, a role or one user; recipients are fixed now."""
    names = recipients(ctx, to, role, username)
    data = {"broadcast_id": uuid.uuid4().hex, "text": text, "to": to,
            "role": "guard" if to == "all" else role if to == "role" else None,
            "username": username if to == "username" else None, "recipients": names}
    event = ev.draft(SENT, actor=actor, data=data)
    return ledger.record(ctx, [event], idem=idem,
                         body=lambda envs: {"broadcast": fold.apply({}, event)[data["broadcast_id"]],
                                            "event": envs[0]})


def broadcast(ctx, broadcast_id):
    """Return a message's entry, or raise NotFound."""
    entry = ctx.store.projection_fields(NAME, [broadcast_id]).get(broadcast_id)
    if not entry:
        raise NotFound(Text(f"No broadcast {broadcast_id}.", f"没有消息 {broadcast_id}。"))
    return json.loads(entry)


def acknowledge(ctx, *, actor, broadcast_id, idem=None):
    """Record that a recipient read a message; a second acknowledgement is 409."""
    broadcast(ctx, broadcast_id)
    event = ev.draft(ACKNOWLEDGED, actor=actor, data={"broadcast_id": broadcast_id})
    seen = {}

    def once(state):
        """Only a recipient acknowledges, once, judged on the state the commit guards."""
        current = state[NAME][broadcast_id]
        if actor["username"] not in current["recipients"]:
            who = actor["username"]
            raise Forbidden(Text(f"This message was not sent to {who}.", f"这条消息不是发给 {who} 的。"))
        if actor["username"] in fold.acknowledged_by(current):
            raise Conflict(Text("You already acknowledged this message.", "你已确认过这条消息。"),
                           fields={"status": "acknowledged"})
        seen.update(state[NAME])
    def answer(envs):
        """Return the message after the acknowledgement, as the acknowledging user reads the list."""
        row = fold.apply(seen, event)[broadcast_id]
        return {"broadcast": row if actor["role"] in STAFF_ROLES else for_viewer(row, actor["username"]),
                "event": envs[0]}
    return ledger.record(ctx, [event], idem=idem, status=200, rule=once, body=answer)


def for_viewer(entry, username):
    """Return a message as a guard sees it: only the guard's own row of recipients."""
    return {**entry, "recipients": [username],
            "acknowledgements": [a for a in entry["acknowledgements"] if a["username"] == username]}


def listed(entries, role, username, limit=RECENT):
    """Return recent messages, newest first: all for the control room, a guard's own otherwise."""
    rows = sorted((e for e in entries.values() if e), key=lambda e: e["sent_at"], reverse=True)
    if role in STAFF_ROLES:
        return rows[:limit]
    return [for_viewer(e, username) for e in rows if username in e["recipients"]][:limit]


def assignments(entries, username):
    """Return the open incidents assigned to a user, newest assignment first."""
    rows = [e for e in entries.values() if e and e.get("assignee") == username and e["status"] == "acknowledged"]
    return sorted(rows, key=lambda e: e.get("assigned_at") or "", reverse=True)


def tasks(ctx, username):
    """Return a user's open assignments and recent messages (the phone's task list)."""
    return {"assignments": assignments(ctx.store.projection(incidents.NAME), username),
            "broadcasts": listed(ctx.store.projection(NAME), "guard", username)}


def alert_unacknowledged(ctx, entry, threshold):
    """Raise one alert naming the recipients who did not acknowledge in time (system key)."""
    broadcast_id = entry["broadcast_id"]
    alert_id = f"bcast-{broadcast_id}"
    event = ev.draft(alerts.RAISED, actor=ev.SYSTEM_ACTOR,
                     data={"alert_id": alert_id, "kind": fold.UNACKNOWLEDGED, "severity": ALERT_SEVERITY,
                           "broadcast_id": broadcast_id, "missing": fold.missing(entry),
                           "threshold_min": threshold})
    idem = ledger.system_idempotency(alert_id, {"broadcast_id": broadcast_id})

    def still_missing(state):
        """Refuse when everyone acknowledged after the watcher's read."""
        current = state[NAME][broadcast_id]
        if current["alerted"] or not fold.missing(current):
            raise Conflict("acknowledged meanwhile")
    return ledger.record(ctx, [event], idem=idem, rule=still_missing)


def check_unacknowledged(ctx, now):
    """Alert about every message some recipient left unacknowledged past broadcast_ack_min."""
    threshold = ctx.venue.section("incident_rules").broadcast_ack_min
    alerted = []
    for entry in ctx.store.projection(NAME).values():
        if entry["alerted"] or not fold.missing(entry):
            continue
        if now < ev.parse_iso(entry["sent_at"]) + dt.timedelta(minutes=threshold):
            continue
        try:
            alert_unacknowledged(ctx, entry, threshold)
        except Conflict:
            continue
        alerted.append(entry["broadcast_id"])
    return alerted
