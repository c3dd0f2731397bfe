"""Broadcasts over HTTP: who may send, who may acknowledge (once), who reads what, the timer."""
import datetime as dt
import uuid

import pytest

from server.broadcasts.service import check_unacknowledged

pytestmark = pytest.mark.usefixtures("quick_hashes")


@pytest.fixture
def as_user(app, bearer):
    """Return a function posting or getting as a named user of a role (bearer token)."""
    def make(username, role="guard"):
        headers = bearer(username, role)
        client = app.test_client()

        def post(path, body=None):
            return client.post(path, json=body if body is not None else {},
                               headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        post.get = lambda path: client.get(path, headers=headers)
        post.headers = headers
        return post
    return make


@pytest.fixture
def crew(as_user):
    """Two guards, an operator and a display; return their callers."""
    return {name: as_user(name, role) for name, role in
            (("bg1", "guard"), ("bg2", "guard"), ("bop", "operator"), ("bdisp", "display"))}


def send(op, **body):
    """Send a broadcast; return its answer body."""
    answer = op("/api/v1/broadcasts", {"text": "Gate E2 closes at 18:00", **body})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_send_to_one_guard_fixes_its_recipients_and_answers_broadcast_and_event(crew):
    body = send(crew["bop"], to="username", username="bg1")
    assert body["broadcast"]["recipients"] == ["bg1"] and body["broadcast"]["acknowledgements"] == []
    assert body["event"]["type"] == "broadcast.sent" and body["event"]["data"]["recipients"] == ["bg1"]
    assert send(crew["bop"], to="all")["broadcast"]["recipients"] == ["bg1", "bg2"]
    assert send(crew["bop"], to="role", role="operator")["broadcast"]["recipients"] == ["bop"]


@pytest.mark.parametrize("body,field", [({"to": "role"}, "role"), ({"to": "username"}, "username"),
                                        ({"to": "username", "username": "nobody-here"}, "username"),
                                        ({"to": "role", "role": "king"}, "role"), ({"to": "everyone"}, "to"),
                                        ({"to": "all", "text": ""}, "text"), ({"to": "all", "text": "x" * 501}, "text"),
                                        ({"to": "role", "role": "commander"}, "role")])
def test_bad_broadcast_is_400_naming_the_field(crew, body, field):
    answer = crew["bop"]("/api/v1/broadcasts", {"text": "hello", **body})
    assert answer.status_code == 400, answer.get_json()
    assert set(answer.get_json()["error"]["fields"]) == {field}


@pytest.mark.parametrize("role,status", [("guard", 403), ("display", 403), ("operator", 201),
                                         ("commander", 201), ("admin", 201)])
def test_operators_and_up_send(as_user, crew, role, status):
    answer = as_user(f"b-{role}", role)("/api/v1/broadcasts", {"text": "hello", "to": "all"})
    assert answer.status_code == status, answer.get_json()


def test_the_addressed_guard_acknowledges_once_others_are_refused(crew):
    bid = send(crew["bop"], to="username", username="bg1")["broadcast"]["broadcast_id"]
    path = f"/api/v1/broadcasts/{bid}/acknowledge"
    assert crew["bg2"](path).status_code == 403  # not sent to bg2
    assert crew["bdisp"](path).status_code == 403
    first = crew["bg1"](path)
    assert first.status_code == 200, first.get_json()
    assert [a["username"] for a in first.get_json()["broadcast"]["acknowledgements"]] == ["bg1"]
    again = crew["bg1"](path)
    assert again.status_code == 409 and again.get_json()["error"]["fields"] == {"status": "acknowledged"}
    assert crew["bg1"]("/api/v1/broadcasts/nope/acknowledge").status_code == 404


def test_an_acknowledgement_replayed_with_its_key_answers_the_same(app, crew):
    bid = send(crew["bop"], to="all")["broadcast"]["broadcast_id"]
    headers = {**crew["bg1"].headers, "Idempotency-Key": "read-once"}
    client = app.test_client()
    first = client.post(f"/api/v1/broadcasts/{bid}/acknowledge", headers=headers)
    again = client.post(f"/api/v1/broadcasts/{bid}/acknowledge", headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == first.get_json()


def test_operators_read_all_with_who_acknowledged_guards_their_own(crew):
    to_one = send(crew["bop"], to="username", username="bg1")["broadcast"]["broadcast_id"]
    to_all = send(crew["bop"], to="all")["broadcast"]["broadcast_id"]
    crew["bg2"](f"/api/v1/broadcasts/{to_all}/acknowledge")
    rows = crew["bop"].get("/api/v1/broadcasts").get_json()["broadcasts"]
    assert [r["broadcast_id"] for r in rows] == [to_all, to_one]  # newest first
    assert rows[0]["recipients"] == ["bg1", "bg2"] and [a["username"] for a in rows[0]["acknowledgements"]] == ["bg2"]
    mine = crew["bg2"].get("/api/v1/broadcasts").get_json()["broadcasts"]
    assert [(r["broadcast_id"], r["recipients"]) for r in mine] == [(to_all, ["bg2"])]
    assert crew["bdisp"].get("/api/v1/broadcasts").status_code == 403


def test_my_tasks_lists_my_open_assignments_and_messages(crew, as_user):
    op = crew["bop"]
    reported = crew["bg2"]("/api/v1/incidents", {"category": "medical", "location_id": "E1",
                                                  "description": "a visitor fainted"}).get_json()
    iid = reported["incident"]["incident_id"]
    op(f"/api/v1/incidents/{iid}/actions", {"action": "acknowledge"})
    op(f"/api/v1/incidents/{iid}/actions", {"action": "assign", "assignee": "bg1", "note": "bring the AED"})
    bid = send(op, to="username", username="bg1")["broadcast"]["broadcast_id"]
    tasks = crew["bg1"].get("/api/v1/me/tasks").get_json()
    assert [(a["incident_id"], a["assignment_note"], a["category"]) for a in tasks["assignments"]] == [
        (iid, "bring the AED", "medical")]
    assert [b["broadcast_id"] for b in tasks["broadcasts"]] == [bid]
    assert crew["bg2"].get("/api/v1/me/tasks").get_json() == {"assignments": [], "broadcasts": []}
    op(f"/api/v1/incidents/{iid}/actions", {"action": "resolve", "reason": "medic took over"})
    assert crew["bg1"].get("/api/v1/me/tasks").get_json()["assignments"] == []


def test_a_message_unread_past_the_threshold_alerts_once_naming_who_missed_it(ctx, crew, timeline):
    everyone = send(crew["bop"], to="all")["broadcast"]["broadcast_id"]
    read = send(crew["bop"], to="username", username="bg1")["broadcast"]["broadcast_id"]
    crew["bg1"](f"/api/v1/broadcasts/{everyone}/acknowledge")
    crew["bg1"](f"/api/v1/broadcasts/{read}/acknowledge")
    now = dt.datetime.now(dt.timezone.utc)
    assert check_unacknowledged(ctx, now) == []  # 5 minutes in the default venue
    later = now + dt.timedelta(minutes=5, seconds=5)
    assert check_unacknowledged(ctx, later) == [everyone]
    assert check_unacknowledged(ctx, later) == []
    alerts = [e["data"] for e in timeline("alert.raised")]
    assert [(a["kind"], a["broadcast_id"], a["missing"]) for a in alerts] == [
        ("broadcast_unacknowledged", everyone, ["bg2"])]
    assert crew["bop"].get("/api/v1/broadcasts").get_json()["broadcasts"][1]["alerted"] is True
