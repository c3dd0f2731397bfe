"""Issue 13 items 4 and 7 over the API: a refusal names the phase in the reader's language, the
readiness board marks what an override entered over, and the clearance board says "cleared" only
once every visitor on the roll is resolved (checked out late, or left unrecorded)."""
import datetime as dt

import pytest

from server import events as ev
from support import flat

pytestmark = pytest.mark.usefixtures("quick_hashes")
REASON = "the minister arrives early"


def commander(auth):
    """Sign in as a commander; return the helper."""
    auth.login("chief", "commander")
    return auth


@pytest.mark.parametrize("language, named, not_named", [
    ("zh-CN", "会议进行中", "in_session"), ("en", "In session", "in_session")])
def test_a_refused_phase_change_names_the_phase_in_the_readers_language(auth, language, named, not_named):
    answer = commander(auth).post("/api/v1/phase", json={"phase": "in_session"},
                                  headers={"Accept-Language": language})
    assert answer.status_code == 409
    message = answer.get_json()["error"]["message"]
    assert named in message and not_named not in message, message


def test_after_an_override_the_board_keeps_what_was_missing_marked_overridden(ctx, auth, client):
    chief = commander(auth)
    missing = chief.client.get("/api/v1/readiness").get_json()["missing"]
    assert missing and not any(m["overridden"] for m in missing)
    assert chief.post("/api/v1/phase", json={"phase": "in_session", "override_reason": REASON}).status_code == 201
    board = flat(client.get("/api/v1/state").get_json())["readiness"]
    assert board["gates"] == "in_session" and not board["ready"]
    assert [m["key"] for m in board["missing"]] == [m["key"] for m in missing]
    assert all(m["overridden"] for m in board["missing"]), board["missing"]
    assert board["override"]["reason"] == REASON


def test_a_critical_hazard_opened_after_the_override_is_not_marked_overridden(ctx, auth, client):
    chief = commander(auth)
    assert chief.post("/api/v1/phase", json={"phase": "in_session", "override_reason": REASON}).status_code == 201
    auth.login("gina", "guard")
    items = ctx.venue.find("checklists", "elevators").items
    results = [{"item_id": i.id, "ok": i.id != "alarm_intercom", "note": "no answer"} for i in items]
    assert auth.post("/api/v1/inspections", json={"checklist_id": "elevators", "area_id": "lobby",
                                                  "results": results}).status_code == 201
    board = client.get("/api/v1/readiness").get_json()
    critical = [m for m in board["missing"] if m["code"] == "critical_hazard"]
    assert critical and not any(m["overridden"] for m in critical)


def register(auth, name, entrance="E1"):
    """Register a visitor as a guard; return the visitor row."""
    auth.login("gate", "guard")
    answer = auth.post("/api/v1/visitors", json={"name": name, "id_type": "passport", "id_number": "E1234567" + name[-1],
                                                 "purpose": "meeting", "entrance_id": entrance})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["visitor"]


def sweep_everything(ctx, auth):
    """Move to post_event and clear every zone."""
    commander(auth).post("/api/v1/phase", json={"phase": "post_event"})
    auth.login("sweeper", "guard")
    for zone in ctx.venue.zones:
        assert auth.post(f"/api/v1/clearance/{zone.id}", json={"people_found": 0}).status_code == 201


def test_zones_clear_with_visitors_on_the_roll_is_not_cleared_until_each_is_resolved(ctx, auth, client, timeline,
                                                                                      monkeypatch):
    with monkeypatch.context() as earlier:  # registered an hour ago: they left some time since
        hour_ago = ev.utc_now() - dt.timedelta(hours=1)
        earlier.setattr(ev, "utc_now", lambda: hour_ago)
        late, gone = register(auth, "Visitor A"), register(auth, "Visitor B", "E2")
    sweep_everything(ctx, auth)
    board = client.get("/api/v1/clearance").get_json()
    assert board["venue_cleared"] and board["visitors_left"] == 2
    assert board["verdict"] == "zones_clear_visitors_left"
    assert {v["visitor_id"] for v in board["visitors_on_site"]} == {late["visitor_id"], gone["visitor_id"]}

    auth.login("olga", "operator")
    left_at = ev.utc_now() - dt.timedelta(minutes=20)
    out = auth.post(f"/api/v1/visitors/{late['visitor_id']}/checkout",
                    json={"entrance_id": "E1", "left_at": ev.iso(left_at)})
    assert out.status_code == 200, out.get_json()
    body = out.get_json()
    assert body["visitor"]["checked_out_late"] and body["event"]["data"]["late"]
    assert ev.parse_iso(body["visitor"]["checked_out_at"]) == ev.parse_iso(ev.iso(left_at))
    assert flat(client.get("/api/v1/state").get_json())["clearance"]["visitors_left"] == 1

    note = "host saw them leave by the east gate"
    off = auth.post(f"/api/v1/visitors/{gone['visitor_id']}/left-unrecorded", json={"note": note})
    assert off.status_code == 200, off.get_json()
    assert off.get_json()["visitor"]["left_unrecorded_at"] and not off.get_json()["visitor"]["on_site"]
    again = auth.post(f"/api/v1/visitors/{gone['visitor_id']}/left-unrecorded", json={})
    assert again.status_code == 409
    board = client.get("/api/v1/clearance").get_json()
    assert board["verdict"] == "cleared" and board["visitors_left"] == 0 and board["visitors_on_site"] == []
    recorded = timeline("visitor.left_unrecorded")
    assert len(recorded) == 1 and recorded[0]["data"]["note"] == note


def test_a_late_check_out_in_the_future_or_before_registration_is_refused(auth):
    visitor = register(auth, "Visitor C")
    auth.login("olga", "operator")
    path = f"/api/v1/visitors/{visitor['visitor_id']}/checkout"
    ahead = auth.post(path, json={"entrance_id": "E1", "left_at": ev.iso(ev.utc_now() + dt.timedelta(hours=1))})
    assert ahead.status_code == 400 and "left_at" in ahead.get_json()["error"]["fields"]
    before = ev.parse_iso(visitor["registered_at"]) - dt.timedelta(minutes=5)
    early = auth.post(path, json={"entrance_id": "E1", "left_at": ev.iso(before)})
    assert early.status_code == 400 and "left_at" in early.get_json()["error"]["fields"]


def test_a_display_reads_left_unrecorded_without_the_name_or_the_note(auth, app, bearer):
    visitor = register(auth, "Visitor D")
    auth.login("olga", "operator")
    assert auth.post(f"/api/v1/visitors/{visitor['visitor_id']}/left-unrecorded",
                     json={"note": "host confirmed"}).status_code == 200
    wall = app.test_client()
    events = wall.get("/api/v1/state", headers=bearer("wall", "display")).get_json()["recent_events"]
    shown = [e for e in events if e["type"] == "visitor.left_unrecorded"]
    assert shown and shown[0]["data"]["name"] != "Visitor D" and not shown[0]["data"].get("note")


def test_a_guard_may_not_record_a_visitor_as_left_unrecorded(auth):
    visitor = register(auth, "Visitor E")
    assert auth.post(f"/api/v1/visitors/{visitor['visitor_id']}/left-unrecorded", json={}).status_code == 403
