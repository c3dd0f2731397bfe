"""`gatewatch purge`: visitors who left before the horizon lose name, phone, plate and sealed ID;
the anonymous record, counts and the timeline stay; a reveal answers 410."""
import datetime as dt
import json

import pytest

from server import events as ev
from server.visitors.service import personal_key
from unit_ids import ID, ID2

pytestmark = pytest.mark.usefixtures("quick_hashes")
URL = "/api/v1/visitors"
BODY = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
        "purpose": "会议", "entrance_id": "E1", "plate": "京A12345"}


def test_purge_erases_who_left_and_keeps_the_anonymous_record(login_as, runner, ctx, timeline):
    guard = login_as("gate1", "guard")
    gone = guard.post(URL, json=BODY).get_json()["visitor"]["visitor_id"]
    here = guard.post(URL, json={**BODY, "id_number": ID2, "name": "Jane Doe"}).get_json()["visitor"]["visitor_id"]
    assert guard.post(f"{URL}/{gone}/checkout", json={"entrance_id": "E2"}).status_code == 200

    status, out, _ = runner("purge")  # default horizon: 30 days of retention; nobody left that long ago
    assert status == 0 and "0 visitor" in out
    assert not timeline("visitor.purged")

    later = ev.iso(ev.utc_now() + dt.timedelta(minutes=1))
    status, out, err = runner("purge", "--before", later)
    assert status == 0, err
    assert "1 visitor" in out
    assert not ctx.store.read_record(personal_key(ctx, gone))
    assert ctx.store.read_record(personal_key(ctx, here))

    op = login_as("op1", "operator")
    row = op.client.get(f"{URL}/{gone}").get_json()["visitor"]
    assert row["name"] == "张*" and row["phone"] is None and row["plate"] == "" and row["purged"] is True
    assert row["id_masked"] == "110105********002X" and row["on_site"] is False
    history = op.client.get(f"{URL}/{gone}").get_json()["history"]
    assert [e["type"] for e in history] == ["visitor.registered", "visitor.checked_out"]
    assert "三丰" not in json.dumps(history, ensure_ascii=False) and "13800138000" not in json.dumps(history)
    assert len(op.client.get(URL).get_json()["visitors"]) == 2  # counts stay whole
    chief = login_as("chief", "commander")
    assert chief.post(f"{URL}/{gone}/reveal").status_code == 410
    assert chief.post(f"{URL}/{here}/reveal").get_json()["id_number"] == ID2

    purged = timeline("visitor.purged")
    assert len(purged) == 1 and purged[0]["data"]["count"] == 1 and purged[0]["actor"]["username"] == "cli"
    assert "张三丰" not in json.dumps(purged, ensure_ascii=False)
    # A returning visitor with the purged document is no longer recognised (its blind index went).
    again = guard.post(URL, json=BODY).get_json()["visitor"]
    assert again["returning"] is False

    status, out, _ = runner("purge", "--before", later)
    assert status == 0 and "0 visitor" in out and len(timeline("visitor.purged")) == 1
    assert runner("rebuild", "--check")[0] == 0  # the fold replays the purge exactly


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-05-01T10:00:00"])
def test_a_bad_before_is_one_line_and_status_2(runner, ctx, value):
    status, _, err = runner("purge", "--before", value)
    assert status == 2 and "--before" in err and len(err.strip().splitlines()) == 1


def test_a_date_is_midnight_in_the_venue_zone(runner, ctx, login_as):
    guard = login_as("gate1", "guard")
    vid = guard.post(URL, json=BODY).get_json()["visitor"]["visitor_id"]
    guard.post(f"{URL}/{vid}/checkout", json={"entrance_id": "E2"})
    status, out, _ = runner("purge", "--before", "2000-01-01")
    assert status == 0 and "0 visitor" in out and "2000-01-01T00:00:00+08:00" in out


def test_the_watcher_purges_past_retention_at_most_once_an_hour(login_as, ctx, timeline, monkeypatch):
    from server.visitors import service
    monkeypatch.setattr(service, "_next_purge", {})
    guard = login_as("gate1", "guard")

    def leaves():
        vid = guard.post(URL, json=BODY).get_json()["visitor"]["visitor_id"]
        guard.post(f"{URL}/{vid}/checkout", json={"entrance_id": "E2"})
        return vid
    first = leaves()
    now = ev.utc_now()
    later = now + dt.timedelta(days=ctx.settings.retention_days, minutes=1)
    assert service.purge_timer(ctx, later) == 1
    second = leaves()
    assert service.purge_timer(ctx, later + dt.timedelta(minutes=30)) == 0  # not yet an hour
    assert ctx.store.read_record(personal_key(ctx, second))
    assert service.purge_timer(ctx, later + dt.timedelta(minutes=61)) == 1
    purged = timeline("visitor.purged")
    assert len(purged) == 2 and {e["actor"]["username"] for e in purged} == {"system"}
    assert not ctx.store.read_record(personal_key(ctx, first))
    assert not ctx.store.read_record(personal_key(ctx, second))


def test_after_purge_and_rebuild_no_personal_data_of_the_purged_is_left_in_redis(login_as, runner, ctx,
                                                                                  redis_server):
    guard = login_as("gate1", "guard")
    body = {**BODY, "organization": "星河测绘研究所", "host": "司马光明"}
    key = "register-zhang-1"
    gone = guard.post(URL, json=body, key=key).get_json()["visitor"]["visitor_id"]
    kept = guard.post(URL, json={**BODY, "id_number": ID2, "name": "李清照", "phone": "15887654321",
                                 "plate": "沪B7Q2M5"}).get_json()["visitor"]["visitor_id"]
    assert guard.post(f"{URL}/{gone}/checkout", json={"entrance_id": "E2"}).status_code == 200
    later = ev.iso(ev.utc_now() + dt.timedelta(minutes=1))
    assert runner("purge", "--before", later)[0] == 0
    assert runner("rebuild")[0] == 0 and runner("rebuild", "--check")[0] == 0
    r = redis_server.client()
    dump = []
    for k in r.scan_iter(count=1000):
        kind = r.type(k)
        dump.append({"string": r.get, "hash": r.hgetall, "set": lambda x: sorted(r.smembers(x)), "stream": r.xrange,
                     "zset": lambda x: r.zrange(x, 0, -1), "list": lambda x: r.lrange(x, 0, -1)}[kind](k))
    text = json.dumps(dump, ensure_ascii=False)
    for erased in ("三丰", "13800138000", "京A12345", "星河测绘研究所", "司马光明", ID):
        assert erased not in text, erased
    # A kept visitor is sealed in the projection too (as in its events), and reads whole below.
    assert "李清照" not in text and "15887654321" not in text
    rows = {row["visitor_id"]: row for row in login_as("op1", "operator").client.get(URL).get_json()["visitors"]}
    assert rows[gone]["purged"] is True and rows[gone]["name"] == "张*" and rows[gone]["host"] == ""
    assert rows[kept]["name"] == "李清照" and rows[kept]["phone"] == "15887654321"
    # The answer kept for an Idempotency-Key replay was sealed with the visitor's data key: gone too.
    assert guard.post(URL, json=body, key=key).status_code == 410


def _every_value(r):
    """Return every key and value in Redis as one text (projections, records, the stream)."""
    dump = []
    for k in r.scan_iter(count=1000):
        kind = r.type(k)
        dump.append([k, {"string": r.get, "hash": r.hgetall, "set": lambda x: sorted(r.smembers(x)),
                         "stream": r.xrange, "zset": lambda x: r.zrange(x, 0, -1),
                         "list": lambda x: r.lrange(x, 0, -1)}[kind](k)])
    return json.dumps(dump, ensure_ascii=False)


def test_after_purge_nothing_personal_is_readable_on_disk_nor_linked_to_a_vehicle(login_as, runner, ctx,
                                                                                  redis_server, timeline):
    """The purge rewrites Redis' append-only file: the old one, with the plain text, is gone."""
    guard, op = login_as("gate1", "guard"), login_as("op1", "operator")
    body = {**BODY, "name": "欧阳翠湖", "phone": "13912345670", "organization": "琥珀鲸研究会",
            "host": "端木青松", "plate": "京A7K3Q9"}
    gone = guard.post(URL, json=body).get_json()["visitor"]["visitor_id"]
    for direction in ("in", "out"):
        logged = guard.post("/api/v1/vehicles", json={"plate": "京A7K3Q9", "direction": direction,
                                                      "entrance_id": "E1", "kind": "visitor", "pass_id": "P-1",
                                                      "visitor_id": gone})
        assert logged.status_code == 201, logged.get_json()
    day = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    csv = f"name,id_type,id_number,organization,host,date,plate\n皇甫雪松,passport,E99887766,冰川档案馆,,{day},\n"
    assert op.post("/api/v1/visitors/expected/import", data=csv.encode(),
                   headers={"Content-Type": "text/csv"}).status_code == 201
    assert guard.post(f"{URL}/{gone}/checkout", json={"entrance_id": "E2"}).status_code == 200
    erased = ("欧阳翠湖", "翠湖", "13912345670", "琥珀鲸研究会", "端木青松", "皇甫雪松", "冰川档案馆")
    aof = [p for p in redis_server.dir.rglob("*") if p.is_file() and "aof" in p.name]
    assert any("皇甫雪松".encode() in p.read_bytes() for p in aof)  # written through, as every fact is
    assert not any("翠湖".encode() in p.read_bytes() for p in aof)  # a visitor's name is only ever sealed

    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    status, out, err = runner("purge", "--before", later)
    assert status == 0, err

    text = _every_value(redis_server.client())
    for word in erased:
        assert word not in text, word
    for path in redis_server.dir.rglob("*"):
        if path.is_file() and not path.name.endswith(".sock"):
            data = path.read_bytes()
            assert not [w for w in erased if w.encode() in data], path
    # The vehicle no longer pairs the plate with the purged visitor: not listed, not in the timeline.
    vehicles = op.client.get("/api/v1/vehicles").get_json()["vehicles"]
    assert not [v for v in vehicles if v.get("visitor_id") == gone]
    for event in timeline("vehicle.entered") + timeline("vehicle.left"):
        assert not (event["data"].get("visitor_id") == gone and event["data"]["plate"]), event
    assert runner("rebuild", "--check")[0] == 0
