"""Incident events on /live: an assignment reaches its guard, live and on resume; screens see no reporter."""
import pytest

from helpers import device_tokens, live_then_resumed

USERS = {"ig1": "guard", "ig2": "guard", "ig3": "guard", "iop": "operator", "idisp": "display"}


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    return device_tokens(live_server, USERS)


def act(server, tokens):
    """A guard reports, an operator acknowledges and assigns it to another guard; return ids."""
    def post(who, path, body, status):
        answer = server.post(path, tokens[who], body)
        assert answer.status_code == status, answer.text
        return answer.json()["event"]["id"], answer.json()["incident"]["incident_id"]
    reported, iid = post("ig3", "/api/v1/incidents", {"category": "fire_smoke", "location_id": "E2",
                                                       "description": "smoke seen by Wang Wei"}, 201)
    actions = f"/api/v1/incidents/{iid}/actions"
    acknowledged, _ = post("iop", actions, {"action": "acknowledge"}, 200)
    assigned, _ = post("iop", actions, {"action": "assign", "assignee": "ig1", "note": "go now"}, 200)
    return {"reported": reported, "acknowledged": acknowledged, "assigned": assigned}


# The feed roles see everything; the reporter their own report; the assigned guard the assignment;
# another guard nothing.
EXPECTED = {
    "iop": ["reported", "acknowledged", "assigned"],
    "idisp": ["reported", "acknowledged", "assigned"],
    "ig1": ["assigned"],
    "ig2": [],
    "ig3": ["reported"],
}


def check_display(events):
    """A display's copies name no one who reported or acted and carry no free text."""
    for envelope in events:
        assert envelope["actor"]["username"] == "", envelope
        assert not {"description", "note", "reason", "reported_by"} & set(envelope["data"]), envelope
        assert envelope["data"].get("assignee") in (None, "*"), envelope  # sent: yes; who: no
    assert [e["data"]["assignee"] for e in events if e["type"] == "incident.assigned"] == ["*"]
    assert [e["data"]["category"] for e in events if e["type"] == "incident.reported"] == ["fire_smoke"]


def test_assignment_reaches_its_guard_live_and_on_resume_and_screens_see_no_reporter(live_server, tokens):
    viewers = {who: tokens[who] for who in EXPECTED}
    ids, live, resumed = live_then_resumed(
        live_server.url, viewers, live_server.ctx.store.last_id(), lambda: act(live_server, tokens),
        lambda ids: {who: [ids[n] for n in names] for who, names in EXPECTED.items()})
    for who, names in EXPECTED.items():
        assert live[who].ids == [ids[n] for n in names], who
        assert resumed[who].ids == [ids[n] for n in names], f"{who} on resume"
    check_display(live["idisp"].events)
    check_display(resumed["idisp"].events)
    assigned = live["ig1"].events[0]
    assert assigned["type"] == "incident.assigned" and assigned["data"]["assignee"] == "ig1"
