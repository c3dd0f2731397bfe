"""The watchlist over HTTP: entries (commanders and admins), screening at registration, decisions."""
import json
import uuid

import pytest

from unit_ids import ID, ID2, with_check
from support import flat

pytestmark = pytest.mark.usefixtures("quick_hashes")
URL = "/api/v1/watchlist"
VISITOR = {"name": "李四", "id_type": "resident_id", "id_number": ID2, "purpose": "会议", "entrance_id": "E1"}


@pytest.fixture
def commander(login_as):
    return login_as("cmd1", "commander")


@pytest.fixture
def guard(login_as):
    return login_as("gate1", "guard")


@pytest.fixture
def operator(login_as):
    return login_as("op1", "operator")


def add(who, **body):
    """Add an entry; return the answer's JSON."""
    answer = who.post(URL, json={"action": "alert", "reason": "banned after the 2025 incident", **body})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def register(who, **changes):
    """Register a visitor; return the answer."""
    return who.post("/api/v1/visitors", json={**VISITOR, **changes})


def test_an_entry_by_id_is_answered_masked_and_listed(commander):
    body = add(commander, name="张伟", aliases=["張偉", " "], id_type="resident_id", id_number=ID.lower(),
               plate="京a·12345")
    entry = body["entry"]
    assert entry["id_masked"] == ID[:6] + "********" + ID[-4:] and entry["plate"] == "京A12345"
    assert entry["aliases"] == ["張偉"] and entry["added_by"] == "cmd1" and entry["action"] == "alert"
    assert body["event"]["type"] == "watchlist.entry_added"
    assert ID not in json.dumps(body) and ID[6:14] not in json.dumps(body)
    listed = commander.client.get(URL).get_json()["entries"]
    assert [e["entry_id"] for e in listed] == [entry["entry_id"]]
    assert ID[6:14] not in json.dumps(listed)


@pytest.mark.parametrize("body,field,zh", [
    ({"reason": "x"}, "name", "至少一项"),
    ({"id_type": "resident_id", "reason": "x"}, "id_number", "号码"),
    ({"id_number": ID, "reason": "x"}, "id_number", "证件类型"),
    ({"id_type": "resident_id", "id_number": ID[:-1] + "1", "reason": "x"}, "id_number", "校验位"),
    ({"name": "张伟", "reason": ""}, "reason", "不能为空"),
    ({"name": "张伟", "reason": "x", "action": "shoot"}, "action", "应为"),
    ({"name": "张伟", "reason": "x", "aliases": ["a" * 101]}, "aliases", "别名"),
])
def test_bad_entries_are_400_on_the_field(commander, body, field, zh):
    answer = commander.post(URL, json={"action": "deny", **body}, headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 400, answer.get_json()
    assert zh in answer.get_json()["error"]["fields"][field], answer.get_json()


def test_remove_an_entry_then_a_second_removal_is_404(commander, guard, ctx):
    entry_id = add(commander, id_type="resident_id", id_number=ID)["entry"]["entry_id"]
    assert [k for k in ctx.store.redis.scan_iter(f"*watchlist_id:{entry_id}")]
    gone = commander.client.delete(f"{URL}/{entry_id}", json={"note": "lifted"},
                                   headers={"X-CSRF-Token": commander.csrf})
    assert gone.status_code == 200, gone.get_json()
    assert gone.get_json()["event"]["type"] == "watchlist.entry_removed"
    assert commander.client.get(URL).get_json()["entries"] == []
    assert not [k for p in ("*watchlist_id:*", "*watchlist_bi:*") for k in ctx.store.redis.scan_iter(p)]
    assert register(guard, id_number=ID).get_json()["visitor"]["watchlist_hit"] is False
    again = commander.client.delete(f"{URL}/{entry_id}", headers={"X-CSRF-Token": commander.csrf})
    assert again.status_code == 404


def test_exact_id_on_an_alert_entry_registers_and_alerts(commander, guard, operator, timeline):
    entry_id = add(commander, id_type="resident_id", id_number=ID)["entry"]["entry_id"]
    answer = register(guard, id_number=ID)
    assert answer.status_code == 201, answer.get_json()
    visitor = answer.get_json()["visitor"]
    assert visitor["watchlist_hit"] is True and visitor["on_site"] is True
    [hit] = timeline("visitor.watchlist_hit")
    assert hit["data"] | {"alert_id": None} == {
        "visitor_id": visitor["visitor_id"], "entry_id": entry_id, "match": "exact", "matched_on": "id",
        "action": "alert", "entrance_id": "E1", "alert_id": None, "entry_name": "",
        "reason": "banned after the 2025 incident", "other_entry_ids": []}
    [alert] = [a for a in operator.client.get("/api/v1/alerts").get_json()["alerts"] if a["kind"] == "watchlist_hit"]
    assert alert["severity"] == 1 and alert["visitor_id"] == visitor["visitor_id"] and alert["checkpoint_id"] == "E1"
    shown = operator.client.get(f"/api/v1/visitors/{visitor['visitor_id']}").get_json()["visitor"]
    assert shown["watchlist_hit"] is True
    # An exact hit needs no decision: its alert is acknowledged instead.
    answer = operator.post(f"/api/v1/visitors/{visitor['visitor_id']}/watchlist-hit/confirm", json={})
    assert answer.status_code == 409 and answer.get_json()["hit"]["match"] == "exact"


@pytest.mark.parametrize("lang,words", [("en", "control room"), ("zh-CN", "指挥中心")])
def test_exact_plate_on_a_deny_entry_refuses_and_keeps_the_person_off_site(commander, guard, operator, timeline,
                                                                            lang, words):
    entry_id = add(commander, plate="沪B 99999", action="deny")["entry"]["entry_id"]
    key = uuid.uuid4().hex
    answer = guard.post("/api/v1/visitors", json={**VISITOR, "plate": "沪b99999"}, key=key,
                        headers={"Accept-Language": lang})
    assert answer.status_code == 409, answer.get_json()
    body = answer.get_json()
    assert body["error"]["code"] == "visitor_denied" and words in body["error"]["message"]
    assert body["denied"] is True and body["denial"]["name"] == "李四" and "reason" not in body["denial"]
    assert body["event"]["type"] == "visitor.denied" and body["event"]["data"]["entry_id"] == entry_id
    again = guard.post("/api/v1/visitors", json={**VISITOR, "plate": "沪b99999"}, key=key)
    assert again.status_code == 409 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["event"]["id"] == body["event"]["id"]
    on_site = operator.client.get("/api/v1/visitors?on_site=true").get_json()["visitors"]
    assert on_site == [] and timeline("visitor.registered") == []
    assert [e["data"]["kind"] for e in timeline("alert.raised")] == ["watchlist_denied"]
    assert len(timeline("visitor.denied")) == 1


def test_a_name_match_on_a_deny_entry_is_only_possible_and_proceeds(commander, guard, operator, timeline):
    entry_id = add(commander, name="张伟", action="deny")["entry"]["entry_id"]
    answer = register(guard, name="WEI ZHANG", id_type="passport", id_number="E12345678")
    assert answer.status_code == 201, answer.get_json()
    vid = answer.get_json()["visitor"]["visitor_id"]
    [hit] = timeline("visitor.watchlist_hit")
    assert (hit["data"]["match"], hit["data"]["matched_on"], hit["data"]["entry_id"]) == ("possible", "name", entry_id)
    [alert] = timeline("alert.raised")
    assert alert["data"]["severity"] == 2 and alert["data"]["match"] == "possible"
    state = flat(operator.client.get("/api/v1/state").get_json())
    assert [h["visitor_id"] for h in state["watchlist_hits"]] == [vid]
    decided = operator.post(f"/api/v1/visitors/{vid}/watchlist-hit/dismiss", json={"note": "different birthday"})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["hit"]["status"] == "dismissed"
    assert decided.get_json()["event"]["type"] == "visitor.watchlist_dismissed"
    assert [e["data"]["alert_id"] for e in timeline("alert.acknowledged")] == [alert["data"]["alert_id"]]
    assert flat(operator.client.get("/api/v1/state").get_json())["watchlist_hits"] == []
    twice = operator.post(f"/api/v1/visitors/{vid}/watchlist-hit/confirm", json={})
    assert twice.status_code == 409 and twice.get_json()["hit"]["status"] == "dismissed"


def test_an_alias_matches_and_a_stranger_does_not(commander, guard, timeline):
    add(commander, name="王小明", aliases=["Wong Siu Ming"])
    assert register(guard, name="WONG SIU-MING", id_type="passport", id_number="K1234567").status_code == 201
    assert register(guard, name="王晓明").get_json()["visitor"]["watchlist_hit"] is False
    [hit] = timeline("visitor.watchlist_hit")
    assert hit["data"]["matched_on"] == "alias"


def test_deciding_an_unknown_hit_is_404(operator):
    assert operator.post("/api/v1/visitors/nobody/watchlist-hit/confirm", json={}).status_code == 404


def test_display_gets_no_watchlist_hits_in_its_snapshot(commander, guard, login_as):
    add(commander, name="张伟")
    assert register(guard, name="张伟").status_code == 201
    wall = login_as("wall", "display")
    state = flat(wall.client.get("/api/v1/state").get_json())
    assert state["watchlist_hits"] == [] and [a["kind"] for a in state["alerts"]] == ["watchlist_hit"]


def test_no_plaintext_id_number_in_watchlist_answers_events_or_redis(commander, guard, operator, ctx, timeline):
    add(commander, name="张伟", id_type="resident_id", id_number=ID, action="alert")
    add(commander, id_type="resident_id", id_number=ID2, action="deny")
    answers = [register(guard, id_number=ID, name="张伟"), register(guard, id_number=ID2)]
    assert [a.status_code for a in answers] == [201, 409]
    texts = [json.dumps(a.get_json(), ensure_ascii=False) for a in answers]
    texts.append(json.dumps(commander.client.get(URL).get_json()))
    texts.append(json.dumps(timeline(), ensure_ascii=False))
    for key in ctx.store.redis.scan_iter(count=1000):
        kind = ctx.store.redis.type(key)
        read = {"hash": ctx.store.redis.hgetall, "stream": ctx.store.redis.xrange, "set": ctx.store.redis.smembers,
                "string": ctx.store.redis.get, "zset": lambda k: ctx.store.redis.zrange(k, 0, -1)}.get(kind, repr)
        texts.append(f"{key} {read(key)!r}")
    for number in (ID, ID2):
        for text in texts:
            assert number not in text and number[6:14] not in text, text[:200]


def test_a_vehicle_is_screened_by_its_plate_alone(commander, ctx):
    from server.watchlist import match
    entry_id = add(commander, plate="沪B·99999", action="deny")["entry"]["entry_id"]
    [hit] = match.screen(ctx, plate="沪B99999")
    assert (hit.entry["entry_id"], hit.match, hit.matched_on, hit.denies) == (entry_id, "exact", "plate", True)
    assert match.screen(ctx, plate="沪B99998") == []


def test_a_refused_person_is_sealed_in_the_stream_and_erased_by_the_purge(commander, guard, ctx, timeline):
    """visitor.denied names someone who never came in: sealed like a visitor, purged the same way."""
    import datetime as dt

    from server.visitors.service import purge_visitors
    add(commander, plate="沪B 77777", action="deny")
    assert guard.post("/api/v1/visitors", json={**VISITOR, "name": "钱八", "plate": "沪b77777"}).status_code == 409
    raw = [str(fields) for _, fields in ctx.store.redis.xrange(ctx.store.keys.stream)]
    assert not [r for r in raw if ("钱八" in r or "沪B77777" in r) and "watchlist.entry_added" not in r]
    assert timeline("visitor.denied")[0]["data"]["name"] == "钱八"  # staff read it while kept
    purged = purge_visitors(ctx, actor={"username": "system", "role": "system"},
                            before=dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1))
    assert purged == 1
    denied = timeline("visitor.denied")[0]["data"]
    assert denied["name"] != "钱八" and denied["plate"] == "" and denied.get("purged") is True


FOREIGN = with_check("93115619800101123")  # a 2023 foreign permanent resident card (9, province 31)


@pytest.mark.parametrize("listed_as,number,registered_as", [
    ("resident_id", ID, "passport"), ("resident_id", ID, "other"),
    ("foreign_permanent_resident", FOREIGN, "passport"), ("passport", "E12345678", "other")])
def test_a_deny_entry_refuses_the_same_number_under_any_document_type(commander, guard, timeline,
                                                                       listed_as, number, registered_as):
    """Choosing another document type at the gate must not slip a denied number past the list."""
    entry_id = add(commander, id_type=listed_as, id_number=number, action="deny")["entry"]["entry_id"]
    answer = register(guard, id_type=registered_as, id_number=number)
    assert answer.status_code == 409, answer.get_json()
    assert answer.get_json()["event"]["data"]["entry_id"] == entry_id
    assert timeline("visitor.registered") == []


def test_a_foreign_card_number_denied_cannot_register_as_a_resident_id(commander, guard, timeline):
    add(commander, id_type="foreign_permanent_resident", id_number=FOREIGN, action="deny")
    answer = register(guard, id_type="resident_id", id_number=FOREIGN)
    # Refused either way: as a denial, or (a resident ID cannot begin with 9) as a bad number.
    assert answer.status_code in (400, 409), answer.get_json()
    assert timeline("visitor.registered") == []


def test_an_alert_entry_matches_the_number_under_another_document_type(commander, guard, timeline):
    entry_id = add(commander, id_type="resident_id", id_number=ID)["entry"]["entry_id"]
    answer = register(guard, id_type="passport", id_number=ID)
    assert answer.status_code == 201 and answer.get_json()["visitor"]["watchlist_hit"] is True
    [hit] = timeline("visitor.watchlist_hit")
    assert (hit["data"]["entry_id"], hit["data"]["match"], hit["data"]["matched_on"]) == (entry_id, "exact", "id")


@pytest.mark.parametrize("entry", [{"id_type": "resident_id", "id_number": ID2}, {"id_type": "passport", "id_number": ID2},
                                   {"plate": "沪B·12345"}])
def test_a_deny_entry_added_for_someone_on_site_alerts_the_control_room(commander, guard, operator, timeline, entry):
    """The person is already inside: the entry cannot refuse them, so the control room must hear of it."""
    here = register(guard, plate="沪B12345").get_json()["visitor"]["visitor_id"]
    left = register(guard, name="王五", id_type="passport", id_number="E55555555").get_json()["visitor"]["visitor_id"]
    assert guard.post(f"/api/v1/visitors/{left}/checkout", json={"entrance_id": "E2"}).status_code == 200
    entry_id = add(commander, action="deny", **entry)["entry"]["entry_id"]
    [alert] = [a for a in operator.client.get("/api/v1/alerts").get_json()["alerts"] if a.get("entry_id") == entry_id]
    assert (alert["visitor_id"], alert["entrance_id"], alert["severity"], alert["status"]) == (here, "E1", 1, "open")
    [hit] = timeline("visitor.watchlist_hit")
    assert (hit["data"]["visitor_id"], hit["data"]["action"], hit["data"]["match"]) == (here, "deny", "exact")
    shown = operator.client.get(f"/api/v1/visitors/{here}").get_json()["visitor"]
    assert shown["watchlist_hit"] is True


def test_an_entry_matching_nobody_on_site_raises_nothing(commander, guard, timeline):
    left = register(guard).get_json()["visitor"]["visitor_id"]
    assert guard.post(f"/api/v1/visitors/{left}/checkout", json={"entrance_id": "E2"}).status_code == 200
    add(commander, action="deny", id_type="resident_id", id_number=ID2)
    assert timeline("alert.raised") == [] and timeline("visitor.watchlist_hit") == []
