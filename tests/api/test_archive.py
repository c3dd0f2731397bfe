"""`gatewatch export` / `import`: a round trip reproduces the store (same stream ids, projections
rebuilt, `rebuild --check` agrees, the audit chain verifies), sealed fields stay sealed in the
file, and an import into a store that holds anything is refused."""
import json

import pytest

from server.store import archive as raw
from server.store import auditlog
from unit_ids import ID

pytestmark = pytest.mark.usefixtures("quick_hashes")
VISITOR = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
           "organization": "市政府办公厅", "purpose": "会议", "entrance_id": "E1", "plate": "京A12345"}


def state_of(ctx):
    """Return everything a store holds that an archive must bring back."""
    folds = [f.NAME for f in ctx.registry.folds]
    _, projections = ctx.store.snapshot(folds)  # opened: sealed entries reseal with new nonces
    stream = ctx.store.redis.xrange(ctx.store.keys.stream)
    records = {name: (kind, value if kind != "set" else sorted(value))
               for name, kind, value, _ in raw.read_records(ctx.store, raw.record_keys(ctx.store))}
    indexes = {k: ctx.store.redis.xrange(k) for k in ctx.store.redis.scan_iter(ctx.store.keys.of("idx", "*"))}
    return {"stream": stream, "projections": projections, "records": records, "indexes": indexes}


@pytest.fixture
def busy_day(login_as, ctx):
    """A store with a visitor (sealed), a check-in, an incident, a watchlist entry and users."""
    guard, chief = login_as("gate1", "guard"), login_as("chief", "commander")
    visitor = guard.post("/api/v1/visitors", json=VISITOR).get_json()["visitor"]["visitor_id"]
    assert guard.post("/api/v1/checkins", json={"checkpoint_id": ctx.venue.checkpoints[0].id,
                                                "status": "clear"}).status_code == 201
    assert guard.post("/api/v1/incidents", json={"category": ctx.venue.incident_categories[0].id, "severity": 2,
                                                 "location_id": "E1", "description": "门口有人争吵"}).status_code == 201
    assert chief.post("/api/v1/watchlist", json={"action": "alert", "id_type": "resident_id", "id_number": ID,
                                                 "reason": "test"}).status_code == 201
    assert chief.post(f"/api/v1/visitors/{visitor}/reveal").status_code == 200
    return visitor


def test_round_trip_reproduces_the_store_and_keeps_sealed_fields_sealed(busy_day, ctx, runner, redis_server,
                                                                         tmp_path):
    path = tmp_path / "venue.jsonl"
    status, out, err = runner("export", "--out", str(path))
    assert status == 0, err
    assert "exported" in out and "events/s" in out
    before = state_of(ctx)
    chain_before = list(auditlog.scan(ctx.store))

    text = path.read_text(encoding="utf-8")
    for secret in ("张三丰", "13800138000", "市政府办公厅", ID, "京A12345"):
        assert secret not in text, secret  # sealed in the stream, sealed in the file
    lines = [json.loads(line) for line in text.splitlines()]
    header = lines[0]
    assert header["format"] == "gatewatch-archive" and header["version"] == 1 and header["venue"] == ctx.venue.id
    assert "name" in header["sealed"]["events"]["visitor.registered"] and header["sealed"]["master_key_ids"]
    registered = next(x for x in lines if x.get("type") == "visitor.registered")
    assert registered["data"]["sealed"].startswith("s1.")
    assert lines[-1]["kind"] == "end" and lines[-1]["events"] == len(before["stream"])

    redis_server.client().flushall()
    status, out, err = runner("import", str(path))
    assert status == 0, err
    after = state_of(ctx)
    assert {"user:chief", f"visitor_id:{busy_day}"} <= set(before["records"])  # people's wrapped keys too
    assert after["stream"] == before["stream"]  # same ids, same fields
    assert after["projections"] == before["projections"]
    assert after["records"] == before["records"]
    assert after["indexes"] == before["indexes"]
    chain_after = list(auditlog.scan(ctx.store))
    assert chain_after[:len(chain_before)] == chain_before
    assert json.loads(chain_after[-1][1])["action"] == "archive.import"
    assert runner("rebuild", "--check")[0] == 0
    status, out, _ = runner("audit", "verify")
    assert status == 0 and "intact" in out
    # the people are readable again with the same master key: the sealed fields came back whole
    row = ctx.store.projection("visitors")[busy_day]
    assert row["name"] == "张三丰"


def test_import_into_a_store_that_holds_anything_is_refused(busy_day, ctx, runner, tmp_path):
    path = tmp_path / "venue.jsonl"
    assert runner("export", "--out", str(path))[0] == 0
    count = ctx.store.count_events()
    status, _, err = runner("import", str(path))
    assert status == 1 and "not empty" in err
    assert ctx.store.count_events() == count


def test_a_window_exports_only_its_events_and_bad_dates_are_refused(busy_day, ctx, runner, tmp_path):
    path = tmp_path / "none.jsonl"
    assert runner("export", "--out", str(path), "--to", "2001-01-01")[0] == 0
    end = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    assert end["events"] == 0
    status, _, err = runner("export", "--out", str(path), "--from", "yesterday")
    assert status == 2 and "--from" in err


def test_a_cut_short_or_foreign_file_is_refused(busy_day, ctx, runner, redis_server, tmp_path):
    path = tmp_path / "venue.jsonl"
    assert runner("export", "--out", str(path))[0] == 0
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    short = tmp_path / "short.jsonl"
    short.write_text("".join(lines[:3]), encoding="utf-8")
    redis_server.client().flushall()
    status, _, err = runner("import", str(short))
    assert status == 1 and "cut short" in err
    assert ctx.store.count_events() == 0 and raw.is_empty(ctx.store)  # not left half imported
    other = tmp_path / "other.jsonl"
    other.write_text("not json\n", encoding="utf-8")
    assert runner("import", str(other))[0] == 1
