"""No personal field of a visitor in plain text in any projection in Redis, while every reader
still reads the visitor whole: the state, the lists, the check-out, the rebuild, the purge."""
import datetime as dt
import json

import pytest

from server import events as ev
from server.expected import rows
from unit_ids import ID

pytestmark = pytest.mark.usefixtures("quick_hashes")
URL = "/api/v1/visitors"
PERSON = {"name": "欧阳翠湖", "phone": "13912345670", "organization": "琥珀鲸研究会", "host": "端木青松",
          "purpose": "校准星图仪", "plate": "京A7K3Q9"}
BODY = {**PERSON, "id_type": "resident_id", "id_number": ID, "entrance_id": "E1"}


def projections_text(ctx, redis_server):
    """Return every projection hash of the venue, field names and values, as one text."""
    r = redis_server.client()
    keys = sorted(r.scan_iter(match=ctx.store.keys.projection("*"), count=1000))
    assert keys, "no projection found"
    return json.dumps({k: r.hgetall(k) if r.type(k) == "hash" else r.get(k) for k in keys}, ensure_ascii=False)


def test_projections_hold_no_personal_field_and_readers_see_the_visitor_whole(login_as, ctx, runner,
                                                                              redis_server):
    guard, op = login_as("gate1", "guard"), login_as("op1", "operator")
    csv = ("name,id_type,id_number,organization,host,date,plate\n"
           f"{PERSON['name']},resident_id,{ID},{PERSON['organization']},{PERSON['host']},{rows.today(ctx)},"
           f"{PERSON['plate']}\n")
    assert op.post("/api/v1/visitors/expected/import", data=csv.encode(),
                   headers={"Content-Type": "text/csv"}).status_code == 201
    registered = guard.post(URL, json=BODY)
    assert registered.status_code == 201, registered.get_json()
    visitor_id = registered.get_json()["visitor"]["visitor_id"]

    text = projections_text(ctx, redis_server)
    for value in PERSON.values():
        assert value not in text, value
    assert "欧阳*" in text  # the masked name stays in the clear

    listed = {v["visitor_id"]: v for v in op.client.get(URL).get_json()["visitors"]}
    for row in [listed[visitor_id], op.client.get(f"{URL}/{visitor_id}").get_json()["visitor"]]:
        assert {k: row[k] for k in PERSON} == PERSON, row
    state = json.dumps(op.client.get("/api/v1/state").get_json(), ensure_ascii=False)
    assert all(value in state for value in PERSON.values()), state
    assert runner("rebuild", "--check")[0] == 0
    assert runner("rebuild")[0] == 0 and runner("rebuild", "--check")[0] == 0
    for value in PERSON.values():
        assert value not in projections_text(ctx, redis_server), value  # rebuilt sealed, too
    assert {k: op.client.get(f"{URL}/{visitor_id}").get_json()["visitor"][k] for k in PERSON} == PERSON

    assert guard.post(f"{URL}/{visitor_id}/checkout", json={"entrance_id": "E2"}).status_code == 200
    row = op.client.get(f"{URL}/{visitor_id}").get_json()["visitor"]
    assert row["on_site"] is False and {k: row[k] for k in PERSON} == PERSON
    assert guard.post(f"{URL}/{visitor_id}/checkout", json={"entrance_id": "E2"}).status_code == 409

    later = ev.iso(ev.utc_now() + dt.timedelta(minutes=1))
    assert runner("purge", "--before", later)[0] == 0
    row = op.client.get(f"{URL}/{visitor_id}").get_json()["visitor"]
    assert row["purged"] is True and row["name"] == "欧阳*" and row["phone"] is None
    assert row["organization"] == row["host"] == row["purpose"] == row["plate"] == ""
    assert runner("rebuild", "--check")[0] == 0


def test_an_entry_whose_data_key_is_gone_reads_erased_with_the_name_masked(login_as, ctx):
    guard = login_as("gate1", "guard")
    visitor_id = guard.post(URL, json=BODY).get_json()["visitor"]["visitor_id"]
    ctx.store.redis.hdel(ctx.store.keys.of("visitor_id", visitor_id), "dk")  # the shredding, alone
    row = login_as("op1", "operator").client.get(f"{URL}/{visitor_id}").get_json()["visitor"]
    assert row["name"] == "欧阳*" and row["phone"] is None and row["on_site"] is True
    assert row["organization"] == row["host"] == row["purpose"] == row["plate"] == ""


def test_a_visitors_vehicle_leaves_no_plate_in_any_projection_while_the_gates_read_it(login_as, ctx, runner,
                                                                                     redis_server):
    guard, op = login_as("gate1", "guard"), login_as("op1", "operator")
    visitor_id = guard.post(URL, json=BODY).get_json()["visitor"]["visitor_id"]
    plate = "浙J8Q6X2"
    vehicle = {"plate": "浙J 8Q6X2", "direction": "in", "entrance_id": "E2", "kind": "visitor",
               "visitor_id": visitor_id}
    assert guard.post("/api/v1/vehicles", json=vehicle).status_code == 201
    assert plate not in projections_text(ctx, redis_server)  # neither a hash field's name nor a value

    listed = op.client.get("/api/v1/vehicles").get_json()
    assert [(v["plate"], v["visitor_id"]) for v in listed["vehicles"]] == [(plate, visitor_id)]
    assert listed["on_site"] == {"total": 1, "by_entrance": {"E2": 1}}
    twice = guard.post("/api/v1/vehicles", json=vehicle)
    assert twice.status_code == 409 and twice.get_json()["vehicle"]["plate"] == plate
    assert runner("rebuild", "--check")[0] == 0
    assert runner("rebuild")[0] == 0 and plate not in projections_text(ctx, redis_server)
    out = guard.post("/api/v1/vehicles", json={**vehicle, "direction": "out", "entrance_id": "E3"})
    assert out.status_code == 201 and out.get_json()["vehicle"]["on_site"] is False
    assert guard.post("/api/v1/vehicles", json={**vehicle, "direction": "out"}).status_code == 409
    assert plate not in projections_text(ctx, redis_server)
    assert runner("rebuild", "--check")[0] == 0


def test_a_gate_alert_about_a_visitors_vehicle_keeps_its_plate_sealed_and_forgets_it_on_purge(
        login_as, ctx, runner, redis_server):
    guard, op = login_as("gate1", "guard"), login_as("op1", "operator")
    visitor_id = guard.post(URL, json=BODY).get_json()["visitor"]["visitor_id"]
    plate = "浙J8Q6X2"
    vehicle = {"plate": plate, "direction": "in", "entrance_id": "E3", "kind": "visitor", "visitor_id": visitor_id}
    assert guard.post("/api/v1/vehicles", json=vehicle).status_code == 201  # E3 wants a pass: an alert

    def no_pass_alerts():
        return [a for a in op.client.get("/api/v1/state").get_json()["sections"]["alerts"].values()
                if a["kind"] == "vehicle_no_pass"]
    assert [(a["plate"], a["visitor_id"]) for a in no_pass_alerts()] == [(plate, visitor_id)]
    assert plate not in projections_text(ctx, redis_server)
    stream = json.dumps(redis_server.client().xrange(ctx.store.keys.stream), ensure_ascii=False)
    assert plate not in stream  # the alert's event is sealed like the vehicle's own
    assert runner("rebuild", "--check")[0] == 0

    later = ev.iso(ev.utc_now() + dt.timedelta(minutes=1))
    assert guard.post(f"{URL}/{visitor_id}/checkout", json={"entrance_id": "E2"}).status_code == 200
    assert runner("purge", "--before", later)[0] == 0
    assert [a["plate"] for a in no_pass_alerts()] == [""]
    timeline = json.dumps(op.client.get("/api/v1/events?type=alert.raised").get_json(), ensure_ascii=False)
    assert plate not in timeline


def test_watchlist_entries_and_hits_keep_names_plates_and_reasons_sealed_while_the_desk_reads_them(
        login_as, ctx, runner, redis_server):
    commander, guard, op = login_as("cmd1", "commander"), login_as("gate1", "guard"), login_as("op1", "operator")
    listed = {"name": "司马青云", "aliases": ["司馬青雲"], "plate": "苏E7W3K1", "reason": "曾冒充会务人员混入会场"}
    added = commander.post("/api/v1/watchlist", json={"action": "alert", **listed})
    assert added.status_code == 201, added.get_json()
    assert guard.post(URL, json={**BODY, "name": "司马青云", "plate": ""}).status_code == 201  # a possible match

    secrets_ = ["司马青云", "司馬青雲", "苏E7W3K1", listed["reason"]]
    stored = projections_text(ctx, redis_server) + json.dumps(
        redis_server.client().xrange(ctx.store.keys.stream), ensure_ascii=False)
    assert not [s for s in secrets_ if s in stored], stored
    entry = commander.client.get("/api/v1/watchlist").get_json()["entries"][0]
    assert {k: entry[k] for k in listed} == listed
    hits = op.client.get("/api/v1/state").get_json()["sections"]["watchlist_hits"]
    assert [(h["entry_name"], h["reason"]) for h in hits.values()] == [(listed["name"], listed["reason"])]
    assert runner("rebuild", "--check")[0] == 0
    assert runner("rebuild")[0] == 0 and "苏E7W3K1" not in projections_text(ctx, redis_server)
    assert commander.client.get("/api/v1/watchlist").get_json()["entries"][0]["plate"] == listed["plate"]
