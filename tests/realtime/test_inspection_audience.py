"""Inspection and hazard events on /live: the assigned guard gets the assignment and the fix,
live and on resume; screens get no free text; another guard nothing."""
import pytest

from helpers import device_tokens, live_then_resumed

USERS = {"hg1": "guard", "hg2": "guard", "hg3": "guard", "hop": "operator", "hdisp": "display"}


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    return device_tokens(live_server, USERS)


def act(server, tokens):
    """A guard fails an item, an operator assigns the hazard to another guard and rectifies it."""
    items = ["certificate", "alarm_intercom", "doors", "ride"]
    answer = server.post("/api/v1/inspections", tokens["hg3"], {
        "checklist_id": "elevators", "area_id": "lobby",
        "results": [{"item_id": i, "ok": i != "doors", **({"note": "Wang Wei saw the door stick"} if i == "doors" else {})}
                    for i in items]})
    assert answer.status_code == 201, answer.text
    recorded, hazard_id = answer.json()["event"]["id"], answer.json()["hazards"][0]["hazard_id"]
    opened = server.ctx.store.last_id()  # the hazard.opened of the same commit comes right after
    ids = {"recorded": recorded, "opened": opened}
    for name, path, body in (("assigned", "assign", {"assignee": "hg1"}), ("rectified", "rectify", {"note": "fixed"})):
        done = server.post(f"/api/v1/hazards/{hazard_id}/{path}", tokens["hop"], body)
        assert done.status_code == 200, done.text
        ids[name] = done.json()["event"]["id"]
    return ids


ALL = ["recorded", "opened", "assigned", "rectified"]
EXPECTED = {"hop": ALL, "hdisp": ALL, "hg1": ["assigned", "rectified"], "hg2": [], "hg3": ["recorded", "opened"]}


def test_hazards_reach_their_guard_live_and_on_resume_and_screens_see_no_notes(live_server, tokens):
    viewers = {who: tokens[who] for who in EXPECTED}
    ids, live, resumed = live_then_resumed(
        live_server.url, viewers, live_server.ctx.store.last_id(), lambda: act(live_server, tokens),
        lambda ids: {who: [ids[n] for n in names] for who, names in EXPECTED.items()})
    for who, names in EXPECTED.items():
        assert live[who].ids == [ids[n] for n in names], who
        assert resumed[who].ids == [ids[n] for n in names], f"{who} on resume"
    for envelope in live["hdisp"].events + resumed["hdisp"].events:
        assert "note" not in envelope["data"] and "Wang Wei" not in str(envelope), envelope
    assert "Wang Wei" in str(live["hop"].events[1]["data"])  # the control room reads the note
