"""Expected visitors: CSV import (all or nothing, API and CLI), lookup at the gate, expected vs arrived."""
import json

import pytest

from server.expected import rows
from unit_ids import ID, ID2

pytestmark = pytest.mark.usefixtures("quick_hashes")
IMPORT, LOOKUP, LIST = "/api/v1/visitors/expected/import", "/api/v1/visitors/expected/lookup", "/api/v1/visitors/expected"
HEADER = "name,id_type,id_number,organization,host,date,plate\n"
REGISTRATION = {"purpose": "会议", "entrance_id": "E1"}


def good_csv(day):
    return (HEADER + f"张三丰,resident_id,{ID.lower()},市政府办公厅,李主任,{day},京a·12345\n"
            f"Jane Doe,passport,E12345678,ACME,王经理,{day},\n"
            f"李四,身份证,{ID2},,,{day},\n")


@pytest.fixture
def op(login_as):
    return login_as("desk1", "operator")


@pytest.fixture
def today(ctx):
    return rows.today(ctx)


def send(who, text, status=201, **headers):
    answer = who.post(IMPORT, data=text.encode(), content_type="text/csv", headers=headers)
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def test_import_stores_rows_sealed_and_answers_counts(op, ctx, today):
    body = send(op, good_csv(today))
    assert body["imported"] == 3 and body["dates"] == {today: 3} and body["rejected"] == []
    assert body["event"]["type"] == "visitor.expected_imported"
    assert body["event"]["data"] == {"import_id": body["import_id"], "count": 3, "dates": {today: 3}}
    listed = op.client.get(LIST).get_json()
    assert listed["date"] == today and listed["expected"] == 3 and listed["arrived"] == 0
    first = listed["rows"][0]
    assert first["name"] == "张三丰" and first["id_masked"] == ID[:6] + "********" + ID[-4:]
    assert first["plate"] == "京A12345" and first["line"] == 2 and first["arrived"] is False
    # The ID number is nowhere in plaintext: not in the answers, not in any Redis value.
    dump = json.dumps([body, listed], ensure_ascii=False)
    for key in ctx.store.redis.scan_iter("*"):
        kind = ctx.store.redis.type(key)
        if kind == "hash":
            dump += json.dumps(ctx.store.redis.hgetall(key), ensure_ascii=False)
        elif kind == "stream":
            dump += json.dumps(ctx.store.redis.xrange(key), ensure_ascii=False)
    assert ID not in dump and ID2 not in dump and "E12345678" not in dump


def test_multipart_upload_works_too(op, today):
    import io
    answer = op.post(IMPORT, data={"file": (io.BytesIO(good_csv(today).encode("gb18030")), "list.csv")},
                     content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["imported"] == 3


def test_one_bad_row_refuses_the_whole_file_with_a_report(op, ctx, today):
    text = (good_csv(today) + f"王五,resident_id,{ID[:-1]}1,,,{today},\n"
            f",passport,E1,,,2026-13-01,\n" + f"张三丰,resident_id,{ID},,,{today},\n")
    body = send(op, text, status=400, **{"Accept-Language": "zh-CN"})
    assert body["error"]["code"] == "rows_rejected" and "未导入" in body["error"]["message"]
    report = {(p["line"], p["field"]) for p in body["rejected"]}
    assert report == {(5, "id_number"), (6, "name"), (6, "id_number"), (6, "date"), (7, "id_number")}
    checks = [p for p in body["rejected"] if p["line"] == 5][0]["reason"]
    assert "校验位" in checks["zh"] and "check character" in checks["en"]
    assert "第 2 行" in [p for p in body["rejected"] if p["line"] == 7][0]["reason"]["zh"]
    assert op.client.get(LIST).get_json()["expected"] == 0
    assert not list(ctx.store.redis.scan_iter("*expected_day*"))
    assert ctx.store.projection("expected_imports") == {}


def test_a_chinese_file_is_reported_in_chinese_with_its_own_column_names(op, today):
    text = ("姓名,证件类型,证件号码,单位,接待人,日期,车牌\n" + f"王五,身份证,{ID[:-1]}1,,,{today},\n"
            + f"赵六,驾照,X123,,,{today},\n" + f",护照,E12345678,,,{today},\n")
    body = send(op, text, status=400, **{"Accept-Language": "zh-CN"})
    message = body["error"]["message"]
    assert "3 处错误" in message and "rejected" not in message, message
    assert [(p["line"], p["field"], p["column"]) for p in body["rejected"]] == [
        (2, "id_number", "证件号码"), (3, "id_type", "证件类型"), (4, "name", "姓名")]
    # The document types are named as a Chinese reader knows them, not by their API codes.
    assert "居民身份证" in body["rejected"][1]["reason"]["zh"] and "resident_id" not in body["rejected"][1]["reason"]["zh"]
    english = send(op, HEADER + f"Jane,passport,E1,,,{today},\n", status=400)
    assert "rejected" not in english["error"]["message"]
    assert [(p["field"], p["column"]) for p in english["rejected"]] == [("id_number", "id_number")]


@pytest.mark.parametrize("text", ["", "just,some,columns\n1,2,3\n", HEADER, b"\xff\xfe\x00bad"])
def test_files_that_are_not_lists_are_refused(op, text):
    raw = text if isinstance(text, bytes) else text.encode()
    answer = op.post(IMPORT, data=raw, content_type="text/csv")
    assert answer.status_code == 400 and answer.get_json()["rejected"][0]["field"] == "file"


def test_lookup_prefills_and_registration_is_marked_expected(op, login_as, today):
    send(op, good_csv(today))
    guard = login_as("gate1", "guard")
    found = guard.post(LOOKUP, json={"id_type": "resident_id", "id_number": ID.lower()})
    assert found.status_code == 200, found.get_json()
    prefill = found.get_json()["expected"]
    assert {k: prefill[k] for k in ("name", "organization", "host", "plate")} == {
        "name": "张三丰", "organization": "市政府办公厅", "host": "李主任", "plate": "京A12345"}
    assert ID not in json.dumps(found.get_json())
    missing = guard.post(LOOKUP, json={"id_type": "passport", "id_number": "G99999999"})
    assert missing.status_code == 404
    assert guard.post(LOOKUP, json={"id_type": "resident_id", "id_number": "123"}).status_code == 400
    registered = guard.post("/api/v1/visitors", json={"name": "张三丰", "id_type": "resident_id", "id_number": ID,
                                                      **REGISTRATION}).get_json()["visitor"]
    assert registered["expected"] is True and registered["expected_id"] == prefill["expected_id"]
    walk_in = guard.post("/api/v1/visitors", json={"name": "赵六", "id_type": "passport", "id_number": "G99999999",
                                                   **REGISTRATION}).get_json()["visitor"]
    assert walk_in["expected"] is False and walk_in["expected_id"] is None
    listed = op.client.get(LIST + f"?date={today}").get_json()
    assert (listed["expected"], listed["arrived"]) == (3, 1)
    arrived = [r for r in listed["rows"] if r["arrived"]]
    assert [r["name"] for r in arrived] == ["张三丰"] and arrived[0]["visitor_id"] == registered["visitor_id"]
    assert arrived[0]["on_site"] is True and listed["dates"] == [today]


def test_another_days_list_is_not_today(op, login_as, today):
    import datetime as dt
    later = (dt.date.fromisoformat(today) + dt.timedelta(days=40)).isoformat()
    send(op, good_csv(later))
    guard = login_as("gate1", "guard")
    assert guard.post(LOOKUP, json={"id_type": "passport", "id_number": "E12345678"}).status_code == 404
    assert op.client.get(LIST + f"?date={later}").get_json()["expected"] == 3
    assert op.client.get(LIST + "?date=2099-1-2").status_code == 400


def test_reimporting_a_document_for_the_same_day_replaces_its_row(op, today):
    send(op, good_csv(today))
    send(op, HEADER + f"张三丰,resident_id,{ID},新单位,李主任,{today},\n")
    listed = op.client.get(LIST).get_json()
    assert listed["expected"] == 3
    assert [r["organization"] for r in listed["rows"] if r["name"] == "张三丰"] == ["新单位"]


@pytest.mark.parametrize("role,may_import,may_lookup", [
    ("guard", False, True), ("display", False, False), ("operator", True, True),
    ("commander", True, True), ("admin", True, True),
])
def test_roles(login_as, role, may_import, may_lookup, today):
    who = login_as(f"{role}-x", role)
    answer = who.post(IMPORT, data=good_csv(today).encode(), content_type="text/csv")
    assert answer.status_code == (201 if may_import else 403)
    assert who.client.get(LIST).status_code == (200 if may_import else 403)
    found = who.post(LOOKUP, json={"id_type": "passport", "id_number": "E12345678"})
    assert found.status_code == ((200 if may_import else 404) if may_lookup else 403)


def test_cli_import_all_or_nothing(runner, tmp_path, ctx, today):
    bad = tmp_path / "bad.csv"
    bad.write_text(good_csv(today) + f"王五,resident_id,{ID[:-1]}1,,,{today},\n", encoding="utf-8")
    status, out, err = runner("visitors", "import", str(bad))
    assert status == 1 and "line 5: id_number" in err and "校验位" in err and ID not in err + out
    assert rows.day_rows(ctx, today) == []
    good = tmp_path / "good.csv"
    good.write_text(good_csv(today), encoding="utf-8")
    status, out, err = runner("visitors", "import", str(good))
    assert status == 0, err
    assert f"imported 3 expected visitor(s) ({today}: 3)" in out
    assert len(rows.day_rows(ctx, today)) == 3
    assert runner("visitors", "import", str(tmp_path / "missing.csv"))[0] == 2


def test_the_example_file_in_docs_is_a_valid_list():
    from pathlib import Path

    from server.expected import csvrows
    found, problems = csvrows.read((Path(__file__).parents[2] / "docs" / "expected-visitors.example.csv").read_bytes())
    assert problems == [] and len(found) == 3


def test_lists_past_retention_are_erased_once_with_counts_only(op, ctx, today, runner):
    from server import events as ev
    from server.expected.purge import purge_timer
    send(op, good_csv("2020-01-02"))
    send(op, good_csv(today))
    assert purge_timer(ctx, ev.utc_now()) == 3
    assert purge_timer(ctx, ev.utc_now()) == 0  # once
    assert rows.day_rows(ctx, "2020-01-02") == [] and len(rows.day_rows(ctx, today)) == 3
    left = {k.rsplit(":", 1)[-1] for k in ctx.store.redis.scan_iter("*expected_id:*")}
    assert left == {r["expected_id"] for r in rows.day_rows(ctx, today)}
    assert len(list(ctx.store.redis.scan_iter("*expected_bi:2020-01-02:*"))) == 0
    purged = [e for e in ctx.store.scan_events() if e["type"] == "visitor.expected_purged"]
    assert [e["data"] for e in purged] == [{"date": "2020-01-02", "count": 3}]
    status, out, _ = runner("purge", "--before", "2999-01-01")
    assert status == 0 and "purged 3 expected-visitor row(s)" in out
    assert rows.day_rows(ctx, today) == []


def test_cr_only_line_endings_import(op, today):
    body = send(op, good_csv(today).replace("\n", "\r"))
    assert body["imported"] == 3


def test_an_overlong_cell_is_a_400_naming_its_line(op):
    text = HEADER + "x" * 200_000 + ",passport,E12345678,,,2026-05-20,\n"
    answer = op.post(IMPORT, data=text.encode(), content_type="text/csv")
    assert answer.status_code == 400, answer.get_data()[:300]
    assert [(p["line"], p["field"]) for p in answer.get_json()["rejected"]] == [(2, "file")]


def test_a_list_dated_9999_is_refused_on_its_date(op):
    answer = op.post(IMPORT, data=(HEADER + f"张三丰,resident_id,{ID},,,9999-12-31,\n").encode(),
                     content_type="text/csv")
    assert answer.status_code == 400
    assert [(p["line"], p["field"]) for p in answer.get_json()["rejected"]] == [(2, "date")]


def test_concurrent_imports_of_one_document_and_day_leave_one_row(ctx, today):
    """The row of a (document, day) is keyed by them: racing imports write the same row."""
    import threading

    from server.expected import service
    text = HEADER + f"张三丰,resident_id,{ID},,,{today},\n"
    start = threading.Barrier(6)

    def run():
        start.wait()
        service.import_expected(ctx, actor={"username": "desk1", "role": "operator"}, raw=text.encode())
    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(rows.day_rows(ctx, today)) == 1
    assert len(list(ctx.store.redis.scan_iter("*expected_id:*"))) == 1


def test_a_row_imported_before_row_ids_were_derived_is_replaced_not_doubled(op, ctx, today):
    """Such a row keeps its own id, found through its blind index (read for all rows at once)."""
    send(op, good_csv(today))
    r = ctx.store.redis
    index = next(k for k in r.scan_iter(ctx.store.keys.of(rows.INDEX, today, "*")))
    old_id = r.hget(index, "row")
    # Lay the row out as an older version did: under an id of its own.
    legacy = "legacy0001"
    public = json.loads(r.hget(rows.day_key(ctx, today), old_id))
    r.hdel(rows.day_key(ctx, today), old_id)
    r.hset(rows.day_key(ctx, today), legacy, json.dumps({**public, "expected_id": legacy}, ensure_ascii=False))
    r.rename(rows.sealed_key(ctx, old_id), rows.sealed_key(ctx, legacy))
    r.hset(index, "row", legacy)
    send(op, good_csv(today))  # the same documents again
    day = rows.day_rows(ctx, today)
    assert len(day) == 3 and legacy in {row["expected_id"] for row in day}
    assert old_id not in {row["expected_id"] for row in day}
