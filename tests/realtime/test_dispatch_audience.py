"""Dispatch on /live: a broadcast and an assignment reach exactly the addressed guard, live and once
after the phone reconnects from its cursor; another guard receives nothing."""
import time

import pytest

from helpers import Listener, device_tokens, live_then_resumed

USERS = {"dg1": "guard", "dg2": "guard", "dop": "operator", "ddisp": "display"}


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    return device_tokens(live_server, USERS)


def dispatch(server, tokens, guard):
    """An operator messages one guard and assigns them a reported incident; return the ids."""
    def post(who, path, body, status=201):
        answer = server.post(path, tokens[who], body)
        assert answer.status_code == status, answer.text
        return answer.json()
    sent = post("dop", "/api/v1/broadcasts", {"text": "Meet at E2 now", "to": "username", "username": guard})
    iid = post("dop", "/api/v1/incidents", {"category": "crowd_disturbance", "location_id": "E2",
                                            "description": "queue pushing at the gate"})["incident"]["incident_id"]
    actions = f"/api/v1/incidents/{iid}/actions"
    post("dop", actions, {"action": "acknowledge"}, 200)
    assigned = post("dop", actions, {"action": "assign", "assignee": guard, "note": "calm the queue"}, 200)
    return {"sent": sent["event"]["id"], "assigned": assigned["event"]["id"], "incident": iid}


def test_broadcast_and_assignment_reach_only_the_addressed_guard_live_and_on_resume(live_server, tokens):
    viewers = {who: tokens[who] for who in ("dg1", "dg2", "ddisp")}
    ids, live, resumed = live_then_resumed(
        live_server.url, viewers, live_server.ctx.store.last_id(), lambda: dispatch(live_server, tokens, "dg1"),
        lambda ids: {"dg1": [ids["sent"], ids["assigned"]], "dg2": [], "ddisp": [ids["sent"], ids["assigned"]]})
    for run in (live, resumed):
        assert run["dg1"].ids == [ids["sent"], ids["assigned"]]
        assert run["dg2"].ids == []
    message, assignment = live["dg1"].events
    assert message["type"] == "broadcast.sent" and message["data"]["text"] == "Meet at E2 now"
    assert assignment["type"] == "incident.assigned" and assignment["data"]["note"] == "calm the queue"
    for run in (live, resumed):  # a wall screen sees that a message went to one user, not what it says
        wall = next(e for e in run["ddisp"].events if e["id"] == ids["sent"])
        assert wall["data"]["to"] == "username" and not {"text", "recipients"} & set(wall["data"])


def test_a_guard_offline_gets_them_once_when_the_phone_reconnects_from_its_cursor(live_server, tokens):
    phone = Listener(live_server.url, tokens["dg2"]).connect()
    assert phone.wait_for(lambda s: s.heartbeats, timeout=5)
    cursor = phone.heartbeats[-1]["cursor"]  # what the phone had seen when it went out of range
    phone.close()
    ids = dispatch(live_server, tokens, "dg2")
    back = Listener(live_server.url, tokens["dg2"], since=cursor).connect()
    try:
        assert back.wait_ids([ids["sent"], ids["assigned"]])
        time.sleep(0.5)  # anything doubled would arrive by now
        assert back.ids == [ids["sent"], ids["assigned"]]
    finally:
        back.close()
    again = Listener(live_server.url, tokens["dg2"], since=ids["assigned"]).connect()
    try:
        time.sleep(0.5)
        assert again.ids == []  # resumed from the newest cursor: nothing twice
    finally:
        again.close()
    acked = live_server.post(f"/api/v1/broadcasts/{back.events[0]['data']['broadcast_id']}/acknowledge",
                             tokens["dg2"], {})
    assert acked.status_code == 200, acked.text
