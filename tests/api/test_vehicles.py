"""Vehicles over HTTP: in, out, in twice and out twice (409), pass-required gates alert, roles."""
import pytest
from support import flat

pytestmark = pytest.mark.usefixtures("quick_hashes")
URL = "/api/v1/vehicles"


@pytest.fixture
def guard(login_as):
    return login_as("gate1", "guard")


def log(who, status=201, **body):
    body = {"plate": "京A·12345", "direction": "in", "entrance_id": "E2", "kind": "delegate", **body}
    answer = who.post(URL, json=body)
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def test_in_then_out_normalises_the_plate_and_counts_per_entrance(guard, ctx):
    body = log(guard, plate="京a 12345")
    assert body["vehicle"]["plate"] == "京A12345" and body["vehicle"]["on_site"] is True
    assert body["event"]["type"] == "vehicle.entered" and body["vehicle"]["no_pass"] is False
    log(guard, plate="沪B D12345", entrance_id="E5", kind="delivery")
    listed = guard.client.get(URL + "?on_site=true").get_json()
    assert {v["plate"] for v in listed["vehicles"]} == {"京A12345", "沪BD12345"}
    assert listed["on_site"] == {"total": 2, "by_entrance": {"E2": 1, "E5": 1}}
    assert [v["plate"] for v in guard.client.get(URL + "?entrance=E5").get_json()["vehicles"]] == ["沪BD12345"]
    out = log(guard, plate="京A-12345", direction="out", entrance_id="E3", status=201)
    assert out["event"]["type"] == "vehicle.left" and out["vehicle"]["on_site"] is False
    assert out["vehicle"]["exit_entrance_id"] == "E3"
    assert guard.client.get(URL + "?on_site=true").get_json()["on_site"]["total"] == 1


def test_unusual_plates_are_flagged_never_refused(guard):
    assert log(guard, plate="使 123 456")["vehicle"]["plate_unusual"] is True
    assert log(guard, plate="京A12345")["vehicle"]["plate_unusual"] is False


def test_leaving_twice_and_entering_twice_are_409_with_the_vehicle_as_now(guard):
    never = log(guard, direction="out", status=409)
    assert never["error"]["code"] == "conflict" and never["vehicle"] is None
    log(guard)
    twice = log(guard, status=409)
    assert twice["vehicle"]["on_site"] is True and "already on site" in twice["error"]["message"]
    log(guard, direction="out")
    again = log(guard, direction="out", status=409)
    assert again["vehicle"]["on_site"] is False


def test_a_gate_that_requires_a_pass_alerts_on_a_vehicle_without_one(guard, ctx):
    assert ctx.venue.find("entrances", "E3").vehicle_pass_required is True
    body = log(guard, entrance_id="E3", kind="visitor")
    assert body["vehicle"]["no_pass"] is True
    alerts = [a for a in ctx.store.projection("alerts").values() if a["kind"] == "vehicle_no_pass"]
    assert len(alerts) == 1 and alerts[0]["plate"] == "京A12345" and alerts[0]["entrance_id"] == "E3"
    # The alert is in the same commit as the entry: the same stream, consecutive.
    assert alerts[0]["raised_event_id"] > body["event"]["id"]
    log(guard, plate="京B12345", entrance_id="E3", pass_id="P-001")
    log(guard, plate="京C12345", entrance_id="E2")  # no pass needed there
    assert len([a for a in ctx.store.projection("alerts").values() if a["kind"] == "vehicle_no_pass"]) == 1


def test_a_replayed_entry_is_the_same_answer_not_a_409(guard):
    body = {"plate": "京A12345", "direction": "in", "entrance_id": "E2", "kind": "staff"}
    first = guard.post(URL, json=body, key="veh-1")
    second = guard.post(URL, json=body, key="veh-1")
    assert second.status_code == 201 and second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()


@pytest.mark.parametrize("changes,field", [
    ({"direction": "sideways"}, "direction"), ({"kind": "tank"}, "kind"), ({"entrance_id": "C1"}, "entrance_id"),
    ({"plate": " · "}, "plate"), ({"plate": ""}, "plate"),
])
def test_bad_input_is_400_on_the_field(guard, changes, field):
    answer = guard.post(URL, json={"plate": "京A12345", "direction": "in", "entrance_id": "E2", "kind": "staff",
                                   **changes}, headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 400 and field in answer.get_json()["error"]["fields"], answer.get_json()


@pytest.mark.parametrize("role,may_log,may_read", [
    ("guard", True, True), ("operator", True, True), ("commander", True, True), ("admin", True, True),
    ("display", False, True),
])
def test_roles(login_as, role, may_log, may_read):
    who = login_as(f"{role}-v", role)
    plate = f"京A{abs(hash(role)) % 100000:05d}"
    answer = who.post(URL, json={"plate": plate, "direction": "in", "entrance_id": "E2", "kind": "staff"})
    assert answer.status_code == (201 if may_log else 403)
    assert who.client.get(URL).status_code == (200 if may_read else 403)


def test_signed_out_is_401(client):
    assert client.get(URL).status_code == 401
    assert client.post(URL, json={}).status_code == 401


def test_the_snapshot_counts_vehicles_on_site_per_entrance(guard, login_as):
    log(guard)
    log(guard, plate="京B12345", entrance_id="E5")
    log(guard, plate="京B12345", direction="out", entrance_id="E5")
    state = flat(login_as("wall", "display").client.get("/api/v1/state").get_json())
    assert [v["plate"] for v in state["vehicles"]] == ["京A***5"]  # a display reads plates masked
    assert state["vehicles_on_site"] == [{"entrance_id": "E2", "count": 1}]


def test_a_watchlisted_plate_at_a_gate_raises_an_alert_in_the_same_commit(app, bearer, timeline):
    """A plate on the watchlist is caught at the vehicle gate, not only at visitor registration."""
    import uuid as _uuid
    boss = bearer("veh-boss", "commander")
    client = app.test_client()
    added = client.post("/api/v1/watchlist", json={"plate": "京A·88888", "action": "alert", "reason": "seen casing"},
                        headers={**boss, "Idempotency-Key": _uuid.uuid4().hex})
    assert added.status_code == 201, added.get_json()
    guard = bearer("veh-gate", "guard")
    entered = client.post("/api/v1/vehicles", json={"plate": "京a88888", "direction": "in", "entrance_id": "E3",
                                                     "kind": "delivery", "pass_id": "P-1"},
                          headers={**guard, "Idempotency-Key": _uuid.uuid4().hex})
    assert entered.status_code == 201, entered.get_json()
    raised = [e for e in timeline("alert.raised") if e["data"]["kind"] == "vehicle_watchlist"]
    assert len(raised) == 1 and raised[0]["data"]["plate"] == "京A88888"
    assert raised[0]["data"]["watchlist_id"] == added.get_json()["entry"]["entry_id"]


def test_a_vehicle_inside_since_before_plate_digests_leaves_by_its_digest(guard, ctx):
    """An entry kept under its plate (written before plates were keyed by digest) still leaves, once."""
    import json
    key = ctx.store.keys.projection("vehicles")
    entry = {"plate": "京C55555", "plate_unusual": False, "kind": "staff", "pass_id": None, "visitor_id": None,
             "entrance_id": "E2", "no_pass": False, "visit_id": "1-0", "on_site": True,
             "entered_at": "2026-01-01T08:00:00.000Z", "entered_by": "old", "left_at": None, "exit_entrance_id": None}
    ctx.store.redis.hset(key, "京C55555", json.dumps(entry))
    out = log(guard, plate="京C55555", direction="out")
    assert out["vehicle"]["on_site"] is False
    log(guard, status=409, plate="京C55555", direction="out")
    assert "京C55555" not in ctx.store.redis.hkeys(key)  # moved to its digest
