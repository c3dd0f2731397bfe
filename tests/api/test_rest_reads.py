"""REST reads shaped for the caller: a guard reads what the phone needs, a display no names or free text.

Every list, single read, creating answer and idempotent replay goes through the one shaping
(server/visibility.py): these are the leaks found by reading the API as a hostile user would.
"""
import datetime as dt
import io
import uuid

import pytest
from PIL import Image

from server import events as ev
from server.incidents.dispatch import check_unaccepted
from unit_ids import ID, ID2

pytestmark = pytest.mark.usefixtures("quick_hashes")
REPORT = {"category": "medical", "location_id": "E1", "description": "a visitor fainted near 王五's desk"}
VISITOR = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
           "organization": "市政府办公厅", "purpose": "会议", "host": "李主任", "entrance_id": "E1"}


@pytest.fixture
def people(login_as):
    """Two guards, an operator and a wall screen, each signed in on a client of their own."""
    return {name: login_as(name, role) for name, role in
            (("g1", "guard"), ("g2", "guard"), ("op", "operator"), ("wall", "display"))}


def made(answer, status=201):
    """Return an answer's JSON after checking its status."""
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def reported(who, **extra):
    """Report an incident; return its id."""
    return made(who.post("/api/v1/incidents", json={**REPORT, **extra}))["incident"]["incident_id"]


def test_a_guard_lists_and_reads_only_incidents_they_reported_or_are_assigned(people):
    g1, g2, op = people["g1"], people["g2"], people["op"]
    own, others, assigned = reported(g1), reported(g2), reported(g2, category="lost_found")
    made(op.post(f"/api/v1/incidents/{assigned}/actions", json={"action": "acknowledge"}), 200)
    made(op.post(f"/api/v1/incidents/{assigned}/actions", json={"action": "assign", "assignee": "g1"}), 200)
    listed = made(g1.client.get("/api/v1/incidents"), 200)["incidents"]
    assert sorted(i["incident_id"] for i in listed) == sorted([own, assigned])
    assert g1.client.get(f"/api/v1/incidents/{others}").status_code == 404
    assert g1.post(f"/api/v1/incidents/{others}/actions", json={"action": "note", "note": "x"}).status_code == 404
    mine = made(g1.client.get(f"/api/v1/incidents/{assigned}"), 200)
    assert mine["incident"]["description"] == REPORT["description"] and mine["events"]
    assert len(made(op.client.get("/api/v1/incidents"), 200)["incidents"]) == 3


def test_a_guard_reads_no_phone_history_or_details_of_another_guards_visitor(people):
    g1, g2 = people["g1"], people["g2"]
    visitor = made(g1.post("/api/v1/visitors", json=VISITOR))["visitor"]
    one = made(g2.client.get(f"/api/v1/visitors/{visitor['visitor_id']}"), 200)
    assert one["history"] == []
    seen = one["visitor"]
    assert seen["name"] == "张三丰" and seen["id_masked"] == visitor["id_masked"] and seen["entrance_id"] == "E1"
    assert seen["registered_at"] and not {"phone", "organization", "host", "purpose"} & set(seen)
    row, = made(g2.client.get("/api/v1/visitors?on_site=true"), 200)["visitors"]
    assert not {"phone", "organization", "host", "purpose"} & set(row)
    assert made(g2.client.get("/api/v1/visitors?q=市政府"), 200)["visitors"] == []  # no search on hidden fields
    own = made(g1.client.get(f"/api/v1/visitors/{visitor['visitor_id']}"), 200)
    assert own["visitor"]["phone"] == "13800138000" and own["history"]  # the registering guard reads it all


def test_a_guards_checkout_answer_and_its_replay_hold_no_details_of_another_guards_visitor(people):
    g1, g2 = people["g1"], people["g2"]
    visitor_id = made(g1.post("/api/v1/visitors", json=VISITOR))["visitor"]["visitor_id"]
    key = uuid.uuid4().hex
    first = made(g2.post(f"/api/v1/visitors/{visitor_id}/checkout", json={"entrance_id": "E1"}, key=key), 200)
    again = g2.post(f"/api/v1/visitors/{visitor_id}/checkout", json={"entrance_id": "E1"}, key=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    for body in (first, made(again, 200)):
        assert body["visitor"]["on_site"] is False
        assert not {"phone", "organization", "host", "purpose"} & set(body["visitor"])
    refused = made(g2.post(f"/api/v1/visitors/{visitor_id}/checkout", json={"entrance_id": "E1"}), 409)
    assert refused["visitor"]["on_site"] is False and "phone" not in refused["visitor"]


def test_a_guards_denial_and_its_replay_carry_no_watchlist_reason(people, login_as):
    boss = login_as("boss", "commander")
    made(boss.post("/api/v1/watchlist", json={"action": "deny", "id_type": "resident_id", "id_number": ID2,
                                               "reason": "threatened staff in 2025"}))
    key = uuid.uuid4().hex
    for _ in range(2):
        denied = people["g1"].post("/api/v1/visitors", json={**VISITOR, "id_number": ID2}, key=key)
        body = made(denied, 409)
        assert body["error"]["code"] == "visitor_denied" and "threatened" not in denied.get_data(as_text=True)
        assert "reason" not in body["event"]["data"]
    assert denied.headers.get("Idempotent-Replayed") == "true"


def test_a_display_reads_vehicles_and_alerts_without_plates_or_names(people, ctx):
    made(people["g1"].post("/api/v1/vehicles", json={"plate": "京A12345", "direction": "in", "entrance_id": "E2",
                                                      "kind": "delegate"}))
    vehicles = made(people["wall"].client.get("/api/v1/vehicles"), 200)["vehicles"]
    assert [v["plate"] for v in vehicles] == ["京A***5"]
    incident = reported(people["g1"])
    made(people["op"].post(f"/api/v1/incidents/{incident}/actions", json={"action": "acknowledge"}), 200)
    made(people["op"].post(f"/api/v1/incidents/{incident}/actions", json={"action": "assign", "assignee": "g2"}), 200)
    check_unaccepted(ctx, ev.utc_now() + dt.timedelta(hours=1))
    alerts = made(people["wall"].client.get("/api/v1/alerts"), 200)["alerts"]
    assert alerts and all(a.get("assignee") in (None, "*") for a in alerts)
    assert "g2" in {a.get("assignee") for a in made(people["op"].client.get("/api/v1/alerts"), 200)["alerts"]}


def test_a_display_reads_the_clearance_roll_with_masked_names_and_no_phones(people):
    made(people["g1"].post("/api/v1/visitors", json=VISITOR))
    roll = made(people["wall"].client.get("/api/v1/clearance"), 200)["visitors_on_site"]
    assert [v["name"] for v in roll] == ["张*"] and "phone" not in roll[0] and "host" not in roll[0]


def a_jpeg():
    """Return a small JPEG's bytes."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 30)).save(out, "JPEG")
    return out.getvalue()


def test_a_guard_sees_photos_of_their_own_records_and_no_others(people):
    g1, g2, op = people["g1"], people["g2"], people["op"]
    photo = made(g1.post("/api/v1/photos", data={"file": (io.BytesIO(a_jpeg()), "a.jpg")},
                         content_type="multipart/form-data"))["photo"]["photo_id"]
    incident = reported(g1, photo_ids=[photo])
    url = f"/api/v1/photos/{photo}"
    assert g1.client.get(url).status_code == 200 and op.client.get(url).status_code == 200
    assert g2.client.get(url).status_code == 404
    assert people["wall"].client.get(url).status_code in (403, 404)
    made(op.post(f"/api/v1/incidents/{incident}/actions", json={"action": "acknowledge"}), 200)
    made(op.post(f"/api/v1/incidents/{incident}/actions", json={"action": "assign", "assignee": "g2"}), 200)
    assert g2.client.get(url).status_code == 200  # now assigned to it


def test_an_operator_cannot_list_watchlist_entries_through_the_timeline(people, login_as):
    boss = login_as("boss", "commander")
    made(boss.post("/api/v1/watchlist", json={"action": "alert", "name": "赵六", "reason": "known fraudster"}))
    listed = made(people["op"].client.get("/api/v1/events?type=watchlist.entry_added"), 200)["events"]
    assert listed == []
    assert made(boss.client.get("/api/v1/events?type=watchlist.entry_added"), 200)["events"]
