"""Visitors over HTTP: register, check out, list, one with history, reveal; roles and masking."""
import json
import uuid

import pytest

from unit_ids import ID, ID2
from support import flat

pytestmark = pytest.mark.usefixtures("quick_hashes")
URL = "/api/v1/visitors"
BODY = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "138 0013 8000",
        "organization": "市政府办公厅", "purpose": "会议", "host": "李主任", "entrance_id": "E1",
        "plate": "京a·12345", "badge": "V-007"}


@pytest.fixture
def guard(login_as):
    return login_as("gate1", "guard")


def register(who, **changes):
    answer = who.post(URL, json={**BODY, **changes})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_register_answers_the_visitor_masked_and_the_event(guard):
    body = register(guard)
    visitor, event = body["visitor"], body["event"]
    assert visitor["id_masked"] == ID[:6] + "********" + ID[-4:]
    assert visitor["name"] == "张三丰" and visitor["phone"] == "13800138000"
    assert visitor["plate"] == "京A12345" and visitor["plate_unusual"] is False
    assert visitor["on_site"] is True and visitor["watchlist_hit"] is False
    assert visitor["returning"] is False and visitor["registered_by"] == "gate1"
    assert event["type"] == "visitor.registered" and event["data"]["visitor_id"] == visitor["visitor_id"]
    assert ID not in json.dumps(body, ensure_ascii=False)


def test_a_returning_document_is_recognised_by_its_blind_index(guard):
    register(guard)
    again = register(guard, id_number=ID.lower().replace("x", "x"), name="张三")
    assert again["visitor"]["returning"] is True
    assert register(guard, id_number=ID2)["visitor"]["returning"] is False


def test_unusual_plate_is_flagged_not_refused(guard):
    assert register(guard, plate="使 123 456")["visitor"]["plate_unusual"] is True


@pytest.mark.parametrize("changes,field,zh", [
    ({"id_number": ID[:-1] + ("1" if ID[-1] != "1" else "2")}, "id_number", "校验位"),
    ({"id_number": "110105194902300015"}, "id_number", "出生日期"),
    ({"id_number": "12345"}, "id_number", "18"),
    ({"id_type": "passport", "id_number": "ABCDEFG"}, "id_number", "字母"),
    ({"id_type": "visa"}, "id_type", "应为"),
    ({"phone": "12345678901"}, "phone", "手机"),
    ({"entrance_id": "C1"}, "entrance_id", "出入口"),
    ({"expected_until": "2001-01-01T00:00:00Z"}, "expected_until", "已过"),
    ({"name": ""}, "name", "不能为空"),
])
def test_bad_input_is_400_on_the_field_in_the_callers_language(guard, changes, field, zh):
    answer = guard.post(URL, json={**BODY, **changes}, headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 400, answer.get_json()
    fields = answer.get_json()["error"]["fields"]
    assert zh in fields[field], fields
    english = guard.post(URL, json={**BODY, **changes}).get_json()["error"]["fields"][field]
    assert english and not any("\u4e00" <= c <= "\u9fff" for c in english)


def test_checkout_then_a_second_checkout_is_409_with_the_current_state(guard):
    vid = register(guard)["visitor"]["visitor_id"]
    out = guard.post(f"{URL}/{vid}/checkout", json={"entrance_id": "E2"})
    assert out.status_code == 200, out.get_json()
    assert out.get_json()["visitor"]["on_site"] is False
    assert out.get_json()["visitor"]["exit_entrance_id"] == "E2"
    assert out.get_json()["event"]["type"] == "visitor.checked_out"
    again = guard.post(f"{URL}/{vid}/checkout", json={"entrance_id": "E1"})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"
    assert again.get_json()["visitor"]["checked_out_at"] == out.get_json()["visitor"]["checked_out_at"]
    assert guard.post(f"{URL}/nope/checkout", json={"entrance_id": "E1"}).status_code == 404
    assert guard.post(f"{URL}/{vid}/checkout", json={"entrance_id": "X"}).status_code == 400


def test_checkout_replay_returns_the_original_answer(guard):
    vid = register(guard)["visitor"]["visitor_id"]
    key = uuid.uuid4().hex
    first = guard.post(f"{URL}/{vid}/checkout", json={"entrance_id": "E2"}, key=key)
    second = guard.post(f"{URL}/{vid}/checkout", json={"entrance_id": "E2"}, key=key)
    assert second.status_code == 200 and second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()


def test_list_filters_and_search(guard, login_as):
    a = register(guard)["visitor"]["visitor_id"]
    b = register(guard, name="Jane Doe", id_type="passport", id_number="E12345678", entrance_id="E2",
                 organization="ACME", host="王经理", plate=None)["visitor"]["visitor_id"]
    guard.post(f"{URL}/{a}/checkout", json={"entrance_id": "E1"})
    op = login_as("op1", "operator")

    def ids(query=""):
        answer = op.client.get(URL + query)
        assert answer.status_code == 200, answer.get_json()
        return [v["visitor_id"] for v in answer.get_json()["visitors"]]
    assert ids() == [b, a]
    assert ids("?on_site=true") == [b]
    assert ids("?on_site=false") == [a]
    assert ids("?entrance=E2") == [b]
    assert ids("?q=acme") == [b]
    assert ids("?q=王经理") == [b]
    assert ids("?q=5678") == [b]
    assert ids("?q=" + ID[-4:]) == [a]
    assert ids("?q=京A12345") == [a]
    assert ids("?q=张三") == [a]
    assert ids("?q=nobody") == []


def test_a_display_sees_masked_names_and_no_phone_and_cannot_search_hidden_names(guard, login_as):
    register(guard)
    register(guard, name="Jane Doe")
    display = login_as("wall", "display")
    rows = display.client.get(URL).get_json()["visitors"]
    assert sorted(r["name"] for r in rows) == ["J*", "张*"]
    assert all("phone" not in r for r in rows)  # not declared for displays: absent, not null
    assert display.client.get(URL + "?q=三丰").get_json()["visitors"] == []
    state = flat(display.client.get("/api/v1/state").get_json())
    assert sorted(v["name"] for v in state["visitors"]) == ["J*", "张*"]
    assert "13800138000" not in json.dumps(state) and "三丰" not in json.dumps(state, ensure_ascii=False)
    one = display.client.get(f"{URL}/{rows[0]['visitor_id']}").get_json()
    assert "phone" not in one["visitor"]
    assert one["history"][0]["data"]["name"] in ("J*", "张*") and "phone" not in one["history"][0]["data"]


def test_one_visitor_with_its_history(guard, login_as):
    vid = register(guard)["visitor"]["visitor_id"]
    guard.post(f"{URL}/{vid}/checkout", json={"entrance_id": "E1"})
    op = login_as("op1", "operator")
    answer = op.client.get(f"{URL}/{vid}").get_json()
    assert answer["visitor"]["name"] == "张三丰" and answer["visitor"]["phone"] == "13800138000"
    assert [e["type"] for e in answer["history"]] == ["visitor.registered", "visitor.checked_out"]
    assert op.client.get(f"{URL}/nope").status_code == 404


def test_state_lists_only_those_on_site(guard, login_as):
    a = register(guard)["visitor"]["visitor_id"]
    b = register(guard, id_number=ID2)["visitor"]["visitor_id"]
    guard.post(f"{URL}/{a}/checkout", json={"entrance_id": "E1"})
    op = login_as("op1", "operator")
    assert [v["visitor_id"] for v in flat(op.client.get("/api/v1/state").get_json())["visitors"]] == [b]


def test_reveal_is_for_commanders_audited_and_the_number_is_not_kept(guard, login_as, ctx, redis_server):
    vid = register(guard)["visitor"]["visitor_id"]
    op = login_as("op1", "operator")
    assert op.post(f"{URL}/{vid}/reveal").status_code == 403
    assert guard.post(f"{URL}/{vid}/reveal").status_code == 403
    chief = login_as("chief", "commander")
    key = uuid.uuid4().hex
    answer = chief.post(f"{URL}/{vid}/reveal", key=key)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["id_number"] == ID
    event = answer.get_json()["event"]
    assert event["type"] == "visitor.id_revealed" and event["actor"]["username"] == "chief"
    assert ID not in json.dumps(event)
    replay = chief.post(f"{URL}/{vid}/reveal", key=key)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.get_json()["id_number"] == ID
    assert chief.post(f"{URL}/nope/reveal").status_code == 404
    history = chief.client.get(f"{URL}/{vid}").get_json()["history"]
    assert [e["type"] for e in history] == ["visitor.registered", "visitor.id_revealed"]
    assert_nowhere_in_redis(redis_server, [ID])


def test_reveal_after_the_ciphertext_is_gone_is_410(guard, login_as, ctx):
    from server.visitors.service import personal_key
    vid = register(guard)["visitor"]["visitor_id"]
    ctx.store.redis.delete(personal_key(ctx, vid))  # what purge will do
    assert login_as("chief", "commander").post(f"{URL}/{vid}/reveal").status_code == 410


def dump(redis_server):
    """Return every key and value of the Redis, as text."""
    r = redis_server.client()
    out = []
    for key in r.scan_iter(count=1000):
        kind = r.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        value = {"string": r.get, "hash": r.hgetall, "set": r.smembers, "zset": lambda k: r.zrange(k, 0, -1),
                 "list": lambda k: r.lrange(k, 0, -1), "stream": lambda k: r.xrange(k)}[kind](key)
        out.append(f"{key!r} {value!r}")
    return "\n".join(out)


def assert_nowhere_in_redis(redis_server, secrets_):
    text = dump(redis_server)
    for secret in secrets_:
        for form in {secret, secret.lower(), secret[6:14]}:  # the birth date part too
            assert form not in text, f"{form} found in Redis"


def test_no_plaintext_id_anywhere_after_a_realistic_run(guard, login_as, redis_server, caplog, timeline):
    caplog.set_level("DEBUG")
    numbers = [ID, ID2]
    answers = []
    for i, number in enumerate(numbers):
        body = register(guard, id_number=" " + number.lower() + " ", name=f"访客{i}")
        answers.append(body)
        answers.append(guard.post(f"{URL}/{body['visitor']['visitor_id']}/checkout",
                                  json={"entrance_id": "E3"}).get_json())
    bad = guard.post(URL, json={**BODY, "id_number": ID[:-1] + "0" if ID[-1] != "0" else ID[:-1] + "1"})
    answers.append(bad.get_json())
    op = login_as("op1", "operator")
    answers.append(op.client.get(URL).get_json())
    answers.append(flat(op.client.get("/api/v1/state").get_json()))
    answers.append(timeline())
    text = json.dumps(answers, ensure_ascii=False)
    for number in numbers:
        assert number not in text and number[6:14] not in text
        assert number not in caplog.text
    assert_nowhere_in_redis(redis_server, numbers)
