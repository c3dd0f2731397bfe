"""No field declared for others reaches a role on any read path: live, resume, snapshot, timeline, REST.

Every free-text and personal field the script fills carries a canary. Which roles may read each one
is not written here: it comes from the declaration on its model (server/visibility.py), so the test
follows the models. Each viewer's live frames (events and patches), its resumed frames (events and
the reset), its snapshot, its timeline and its REST reads are searched for the canaries it may not read.
"""
import json

import pytest
import requests

from helpers import Listener, device_tokens
from server.concepts import REGISTRY
from server.visibility import Viewer, rules_of
from unit_ids import ID

USERS = {"pg1": "guard", "pg2": "guard", "pwall": "display", "pop": "operator", "pchief": "commander"}
# canary -> (event type, data field, the event's actor, the record's keys that name people)
CANARIES = {
    "<desc-9f>": ("incident.reported", "description", "pg2", {}),
    "<note-9f>": ("incident.noted", "note", "pop", {}),
    "<ref-9f>": ("incident.agency_notified", "reference", "pop", {}),
    "<go-9f>": ("incident.assigned", "note", "pop", {"assignee": "pg1"}),
    "<bad-9f>": ("hazard.opened", "note", "pg2", {}),
    "<fix-9f>": ("hazard.rectified", "note", "pop", {}),
    "<radio-9f>": ("broadcast.sent", "text", "pop", {}),
    "<banned-9f>": ("visitor.watchlist_hit", "reason", "system", {}),
    "13900000009": ("visitor.registered", "phone", "pg1", {"registered_by": "pg1"}),
    "<acme-9f>": ("visitor.registered", "organization", "pg1", {"registered_by": "pg1"}),
    "<host-9f>": ("visitor.registered", "host", "pg1", {"registered_by": "pg1"}),
}
REST = ("/api/v1/incidents", "/api/v1/visitors?on_site=true", "/api/v1/hazards?status=rectified", "/api/v1/alerts",
        "/api/v1/broadcasts", "/api/v1/vehicles", "/api/v1/watchlist")


def forbidden(username):
    """Return the canaries a user may not read, from the declarations on the models."""
    viewer = Viewer(USERS[username], username)
    out = set()
    for canary, (kind, field, actor, record) in CANARIES.items():
        rule = rules_of(REGISTRY.types[kind].data).fields[field][0]
        assert rule is not None, f"{kind}.{field} declares who reads it"
        if not rule.admits(viewer, record, actor):
            out.add(canary)
    return out


def act(server, tokens):
    """Fill every canary field through the API."""
    def post(who, path, body):
        answer = server.post(path, tokens[who], body)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()
    iid = post("pg2", "/api/v1/incidents", {"category": "fire_smoke", "location_id": "E2",
                                            "description": "<desc-9f>"})["incident"]["incident_id"]
    for body in ({"action": "acknowledge"}, {"action": "note", "note": "<note-9f>"},
                 {"action": "notify_agency", "agency": "fire", "reference": "<ref-9f>"},
                 {"action": "assign", "assignee": "pg1", "note": "<go-9f>"}):
        post("pop", f"/api/v1/incidents/{iid}/actions", body)
    post("pg2", "/api/v1/inspections", {"checklist_id": "elevators", "area_id": "lobby", "results": [
        {"item_id": "certificate", "ok": False, "note": "<bad-9f>"},
        *({"item_id": i, "ok": True} for i in ("alarm_intercom", "doors", "ride"))]})
    hazard = next(h for h in requests.get(server.url + "/api/v1/hazards", timeout=5, headers={
        "Authorization": f"Bearer {tokens['pop']}"}).json()["hazards"] if h["area_id"] == "lobby")
    post("pop", f"/api/v1/hazards/{hazard['hazard_id']}/rectify", {"note": "<fix-9f>"})
    post("pop", "/api/v1/broadcasts", {"text": "<radio-9f>", "to": "all"})
    post("pchief", "/api/v1/watchlist", {"name": "王小二", "reason": "<banned-9f>", "action": "alert"})
    post("pg1", "/api/v1/visitors", {"name": "王小二", "id_type": "resident_id", "id_number": ID,
                                     "phone": "13900000009", "organization": "<acme-9f>", "purpose": "visit",
                                     "host": "<host-9f>", "entrance_id": "E1"})
    return server.ctx.store.last_id()


def reads(server, token):
    """Return the text of what a viewer reads over HTTP: snapshot, timeline and REST lists."""
    out = []
    for path in ("/api/v1/state", "/api/v1/events?limit=1000", *REST):
        answer = requests.get(server.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert answer.status_code in (200, 403), (path, answer.status_code)
        out.append(answer.text)
    return "\n".join(out)


def frames(listener):
    """Return the text of every frame a listener received (events, patches, resets)."""
    return json.dumps([listener.events, listener.patches, listener.resets], ensure_ascii=False)


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    return device_tokens(live_server, USERS)


def test_no_read_path_gives_a_role_a_field_declared_for_others(live_server, tokens):
    since = live_server.ctx.store.last_id()
    live = {who: Listener(live_server.url, tokens[who], since=since).connect() for who in USERS}
    try:
        last = act(live_server, tokens)
        for who, listener in live.items():
            assert listener.wait_for(lambda s: any(b.get("cursor") == last for b in s.heartbeats), 15), who
    finally:
        for listener in live.values():
            listener.close()
    for who in USERS:
        resumed = Listener(live_server.url, tokens[who], since=since).connect()
        try:
            assert resumed.wait_for(lambda s: s.resets, 10), f"{who}: a resumed client goes live with a reset"
        finally:
            resumed.close()
        seen = {"live": frames(live[who]), "resume": frames(resumed), "http": reads(live_server, tokens[who])}
        for canary in forbidden(who):
            for path, text in seen.items():
                assert canary not in text, f"{who} ({USERS[who]}) read {canary} on {path}"
    # The script did reach each role: a canary allowed to a role arrives on some path.
    assert "<desc-9f>" in frames(live["pop"]) and "13900000009" in reads(live_server, tokens["pg1"])
    assert forbidden("pwall") >= {"<desc-9f>", "<radio-9f>", "13900000009"} and "<banned-9f>" in forbidden("pg1")
