"""Inspections, hazards and the readiness gate over the API, with every role (issue 8)."""
import datetime as dt

import pytest

from server import events as ev
from server.app import build_context
from server.inspections import service
from support import settings_for, flat

pytestmark = pytest.mark.usefixtures("quick_hashes")
OVERRIDE = "the minister arrives early"


def answers(ctx, checklist_id, failed=None):
    """Return results answering every item of a checklist; `failed` {item_id: note} fail."""
    failed = failed or {}
    items = ctx.venue.find("checklists", checklist_id).items
    return [{"item_id": i.id, "ok": i.id not in failed, **({"note": failed[i.id]} if i.id in failed else {})}
            for i in items]


@pytest.fixture
def guard(auth):
    auth.login("gina", "guard")
    return auth


def post_as(auth, username, role, path, body):
    """Sign in as someone and POST."""
    auth.login(username, role)
    return auth.post(path, json=body)


def test_a_passed_inspection_is_listed_and_passes_its_cell(ctx, guard, client):
    answer = guard.post("/api/v1/inspections", json={"checklist_id": "hvac", "area_id": "lobby",
                                                     "results": answers(ctx, "hvac")})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["hazards"] == [] and body["event"]["type"] == "inspection.recorded"
    assert body["inspection"]["failed"] == [] and body["inspection"]["by"] == "gina"
    listed = client.get("/api/v1/inspections?area=lobby").get_json()["inspections"]
    assert [i["inspection_id"] for i in listed] == [body["inspection"]["inspection_id"]]
    assert client.get("/api/v1/inspections?area=main_hall").get_json()["inspections"] == []
    assert client.get("/api/v1/inspections?date=2001-01-01").get_json()["inspections"] == []
    board = client.get("/api/v1/readiness").get_json()
    cell = next(c for c in board["cells"] if (c["checklist_id"], c["area_id"]) == ("hvac", "lobby"))
    assert cell["state"] == "passed" and not board["ready"]
    other = next(c for c in board["cells"] if (c["checklist_id"], c["area_id"]) == ("hvac", "main_hall"))
    assert other["state"] == "not_inspected"


@pytest.mark.parametrize("change,field", [
    ({"checklist_id": "plumbing"}, "checklist_id"),
    ({"area_id": "moon"}, "area_id"),
    ({"area_id": "parking"}, "area_id"),  # hvac does not apply to the parking
    ({"results": [{"item_id": "chiller", "ok": True}]}, "results"),  # the others unanswered
    ({"results": [{"item_id": "warp_core", "ok": True}]}, "results.0.item_id"),
    ({"results": [{"item_id": "chiller", "ok": False}]}, "results.0.note"),
    ({"results": [{"item_id": "chiller", "ok": True, "photo_ids": ["not hex"]}]}, "results.0.photo_ids.0"),
    ({"results": [{"item_id": "chiller", "ok": True, "photo_ids": ["ab12cd34"] * 6}]}, "results.0.photo_ids"),
])
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_bad_inspections_are_400_naming_the_field(ctx, guard, change, field, lang, timeline):
    body = {"checklist_id": "hvac", "area_id": "lobby", "results": answers(ctx, "hvac"), **change}
    before = timeline()
    answer = guard.post("/api/v1/inspections", json=body, headers={"Accept-Language": lang})
    assert answer.status_code == 400, answer.get_json()
    fields = answer.get_json()["error"]["fields"]
    assert field in fields, fields
    assert any("\u4e00" <= ch <= "\u9fff" for ch in fields[field]) == (lang == "zh-CN"), fields
    assert timeline() == before


def test_an_item_answered_twice_is_400(ctx, guard):
    results = answers(ctx, "hvac")
    answer = guard.post("/api/v1/inspections", json={"checklist_id": "hvac", "area_id": "lobby",
                                                     "results": results + [results[0]]})
    assert answer.status_code == 400
    assert f"results.{len(results)}.item_id" in answer.get_json()["error"]["fields"]


def test_a_failed_item_opens_a_hazard_that_operators_assign_and_rectify(ctx, guard, auth, client):
    answer = guard.post("/api/v1/inspections", json={
        "checklist_id": "fire_equipment", "area_id": "lobby",
        "results": answers(ctx, "fire_equipment", {"extinguishers": "pressure gauge in the red",
                                                   "hydrants": "hose missing"})})
    assert answer.status_code == 201, answer.get_json()
    hazards = answer.get_json()["hazards"]
    assert [h["item_id"] for h in hazards] == ["extinguishers", "hydrants"]
    assert all(h["critical"] and h["severity"] == "critical" and h["status"] == "open" for h in hazards)
    events = [e["type"] for e in ctx.store.scan_events()][-3:]
    assert events == ["inspection.recorded", "hazard.opened", "hazard.opened"]  # one commit, in order
    hazard_id = hazards[0]["hazard_id"]
    assert guard.post(f"/api/v1/hazards/{hazard_id}/rectify", json={"note": "x"}).status_code == 403
    assert guard.post(f"/api/v1/hazards/{hazard_id}/assign", json={"assignee": "gina"}).status_code == 403
    auth.login("olga", "operator")
    assert auth.post(f"/api/v1/hazards/{hazard_id}/assign", json={"assignee": "nobody"}).status_code == 400
    assigned = auth.post(f"/api/v1/hazards/{hazard_id}/assign", json={"assignee": "gina"})
    assert assigned.status_code == 200 and assigned.get_json()["hazard"]["assignee"] == "gina"
    mine = client.get("/api/v1/hazards?assignee=gina").get_json()["hazards"]
    assert [h["hazard_id"] for h in mine] == [hazard_id]
    fixed = auth.post(f"/api/v1/hazards/{hazard_id}/rectify", json={"note": "replaced the extinguisher"})
    assert fixed.status_code == 200, fixed.get_json()
    entry = fixed.get_json()["hazard"]
    assert entry["status"] == "rectified" and entry["fixed_on_spot"] is True and entry["rectified_by"] == "olga"
    again = auth.post(f"/api/v1/hazards/{hazard_id}/rectify", json={"note": "again"})
    assert again.status_code == 409 and again.get_json()["error"]["fields"]["status"] == "rectified"
    assert auth.post(f"/api/v1/hazards/{hazard_id}/assign", json={"assignee": "gina"}).status_code == 409
    assert auth.post("/api/v1/hazards/nope/rectify", json={"note": "x"}).status_code == 404
    open_ = client.get("/api/v1/hazards?status=open").get_json()["hazards"]
    assert [h["item_id"] for h in open_] == ["hydrants"]
    assert client.get("/api/v1/hazards?area=main_hall").get_json()["hazards"] == []


def test_a_hazard_rectified_after_the_threshold_is_not_fixed_on_the_spot(ctx, guard, auth, monkeypatch):
    hazard = guard.post("/api/v1/inspections", json={
        "checklist_id": "hvac", "area_id": "lobby", "results": answers(ctx, "hvac", {"filters": "dusty"})}
    ).get_json()["hazards"][0]
    later = ev.parse_iso(hazard["opened_at"]) + dt.timedelta(minutes=31)
    monkeypatch.setattr(service.ev, "utc_now", lambda: later)
    auth.login("olga", "operator")
    entry = auth.post(f"/api/v1/hazards/{hazard['hazard_id']}/rectify", json={"note": "cleaned"}).get_json()["hazard"]
    assert entry["fixed_on_spot"] is False and entry["minutes_open"] >= 31


def test_the_gate_refuses_in_session_until_ready_and_a_commander_may_override(ctx, auth, client):
    blocked = post_as(auth, "chief", "commander", "/api/v1/phase", {"phase": "in_session"})
    assert blocked.status_code == 409, blocked.get_json()
    body = blocked.get_json()
    assert body["error"]["code"] == "not_ready" and "not inspected today" in body["error"]["message"]
    required = [(c.id, a) for c in ctx.venue.checklists if c.required for a in c.areas]
    assert {m["key"] for m in body["missing"]} == {f"{c}@{a}" for c, a in required}
    assert client.get("/api/v1/readiness").get_json()["missing"] == body["missing"]
    refused = post_as(auth, "olga", "operator", "/api/v1/phase", {"phase": "in_session", "override_reason": OVERRIDE})
    assert refused.status_code == 403
    done = post_as(auth, "chief", "commander", "/api/v1/phase", {"phase": "in_session", "override_reason": OVERRIDE})
    assert done.status_code == 201, done.get_json()
    data = done.get_json()["event"]["data"]
    assert data["override_reason"] == OVERRIDE and len(data["overridden"]) == len(required)
    board = client.get("/api/v1/readiness").get_json()
    assert board["override"]["reason"] == OVERRIDE and board["override"]["by"] == "chief"
    assert flat(client.get("/api/v1/state").get_json())["readiness"]["override"]["reason"] == OVERRIDE


def test_every_required_inspection_passed_opens_the_gate_until_a_critical_hazard(ctx, auth, client):
    auth.login("gina", "guard")
    for checklist in ctx.venue.checklists:
        for area in checklist.areas:
            answer = auth.post("/api/v1/inspections", json={"checklist_id": checklist.id, "area_id": area,
                                                            "results": answers(ctx, checklist.id)})
            assert answer.status_code == 201
    assert client.get("/api/v1/readiness").get_json()["ready"] is True
    hazard = auth.post("/api/v1/inspections", json={
        "checklist_id": "elevators", "area_id": "lobby",
        "results": answers(ctx, "elevators", {"alarm_intercom": "no answer from the car phone"})}
    ).get_json()["hazards"][0]
    board = client.get("/api/v1/readiness").get_json()
    assert not board["ready"] and {m["code"] for m in board["missing"]} == {"open_hazards", "critical_hazard"}
    assert post_as(auth, "chief", "commander", "/api/v1/phase", {"phase": "in_session"}).status_code == 409
    auth.post(f"/api/v1/hazards/{hazard['hazard_id']}/rectify", json={"note": "line repaired"})
    assert client.get("/api/v1/readiness").get_json()["ready"] is True
    moved = auth.post("/api/v1/phase", json={"phase": "in_session"})
    assert moved.status_code == 201 and "override_reason" not in moved.get_json()["event"]["data"]


def test_a_hazard_left_open_raises_one_alert_even_with_two_watchers(ctx, guard, redis_server, tmp_path):
    hazard = guard.post("/api/v1/inspections", json={
        "checklist_id": "hvac", "area_id": "lobby", "results": answers(ctx, "hvac", {"condensate": "dripping"})}
    ).get_json()["hazards"][0]
    other = build_context(settings_for(redis_server.url, tmp_path / "other"))
    opened = ev.parse_iso(hazard["opened_at"])
    assert service.check_open_hazards(ctx, opened + dt.timedelta(minutes=59)) == []
    late = opened + dt.timedelta(minutes=61)
    raised = service.check_open_hazards(ctx, late) + service.check_open_hazards(other, late)
    assert raised == [hazard["hazard_id"]]
    alerts = [e for e in ctx.store.scan_events() if e["type"] == "alert.raised"]
    assert len(alerts) == 1 and alerts[0]["data"]["hazard_id"] == hazard["hazard_id"]
    assert ctx.store.projection("hazards")[hazard["hazard_id"]]["alerted_at"]
    assert service.check_open_hazards(other, late + dt.timedelta(hours=1)) == []


def test_display_reads_the_board_but_not_the_lists(auth, client):
    auth.login("wall", "display")
    assert client.get("/api/v1/readiness").status_code == 200
    assert client.get("/api/v1/hazards").status_code == 403
    assert client.get("/api/v1/inspections").status_code == 403
