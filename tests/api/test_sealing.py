"""Crypto-shredding of visitors' personal fields: sealed per visitor, opened in batches (one round
trip per page, never one per event), and master keys that rotate without losing old data."""
import base64
import datetime as dt
import json
import secrets

import pytest
import redis

from server import config
from server import events as ev
from server.sealing import DATA_KEY, Sealer
from server.store import timeline
from server.vault import VaultError, key_id
from server.visitors import fold, service
from support import settings_for
from unit_ids import ID, ID2

GUARD = {"username": "gate1", "role": "guard"}


def register(ctx, name="张三丰", number=ID, **extra):
    """Register a visitor through the service; return its id."""
    body = dict(name=name, id_type="resident_id", id_number=number, purpose="会议", entrance_id="E1",
                phone="13800138000", plate="京A12345")
    body.update(extra)
    return service.register_visitor(ctx, actor=GUARD, **body).body["visitor"]["visitor_id"]


def raw_stream(ctx):
    """Return the stream's entries exactly as Redis holds them."""
    return ctx.store.redis.xrange(ctx.store.keys.stream)


@pytest.fixture
def round_trips(monkeypatch):
    """Count round trips to Redis: every command or pipeline is one packed send."""
    count = {"n": 0}
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        count["n"] += 1
        return send(self, command, check_health)
    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return count


def test_stored_events_hold_only_the_sealed_form_and_read_back_opened(ctx):
    vid = register(ctx, organization="市政府", host="李四")
    (_, fields), = raw_stream(ctx)[-1:]
    stored = json.loads(fields["d"])
    assert stored["name"] == "张*" and stored["sealed"].startswith("s1.")
    assert not {"phone", "plate", "organization", "host", "purpose"} & set(stored)
    assert "13800138000" not in json.dumps(fields) and "市政府" not in json.dumps(fields, ensure_ascii=False)
    event = ctx.store.events_after("0-0", 10)[-1]
    assert event["data"]["name"] == "张三丰" and event["data"]["host"] == "李四" and "sealed" not in event["data"]
    record = ctx.store.read_record(service.personal_key(ctx, vid))
    assert set(record) == {"id", "bi", DATA_KEY}


def test_a_purged_visitor_reads_as_purged_and_the_others_stay_open(ctx):
    gone, kept = register(ctx), register(ctx, name="Jane Doe", number=ID2)
    service.checkout_visitor(ctx, actor=GUARD, visitor_id=gone, entrance_id="E2")
    assert service.purge_visitors(ctx, actor=ev.SYSTEM_ACTOR, before=ev.utc_now() + dt.timedelta(minutes=1)) == 1
    events = {(e["type"], e["data"].get("visitor_id")): e["data"] for e in ctx.store.events_after("0-0", 100)}
    assert events[("visitor.registered", gone)] == {**events[("visitor.registered", gone)], "name": "张*",
                                                     "phone": "", "plate": "", "purpose": "", "purged": True}
    assert events[("visitor.checked_out", gone)]["name"] == "张*"
    assert events[("visitor.checked_out", gone)]["purged"] is True
    assert events[("visitor.registered", kept)]["name"] == "Jane Doe" and "purged" not in events[("visitor.registered", kept)]


def test_a_sealed_blob_moved_to_another_visitors_event_does_not_open(ctx):
    first, second = register(ctx), register(ctx, name="Jane Doe", number=ID2)
    events = ctx.store.events_after("0-0", 10)
    sealed = {}
    for stream_id, fields in raw_stream(ctx):
        data = json.loads(fields["d"])
        if "sealed" in data:
            sealed[data["visitor_id"]] = data["sealed"]
    swapped = {"id": "1-1", "type": fold.REGISTERED, "ts": events[-1]["ts"], "actor": GUARD, "v": 1,
               "_locations": [], "data": {"visitor_id": first, "name": "J*", "sealed": sealed[second]}}
    opened = ctx.registry.opener(ctx.sealer)([swapped], ctx.store.lookup)[0]["data"]
    assert opened["purged"] is True and opened["name"] == "J*" and opened["phone"] == ""


def test_a_page_of_500_events_opens_in_one_lookup_not_500(ctx, round_trips):
    ids = [register(ctx, name=f"访客{i}", number=ID if i % 2 else ID2) for i in range(250)]
    for vid in ids:
        service.checkout_visitor(ctx, actor=GUARD, visitor_id=vid, entrance_id="E2")
    lookups, original = [], ctx.store.lookup

    def lookup(refs):
        lookups.append(len(refs))
        return original(refs)
    ctx.store.lookup = lookup
    start = round_trips["n"]
    events, _ = timeline.page(ctx.store, limit=500)
    plain = round_trips["n"] - start
    assert len(events) == 500 and all(e["data"]["name"].startswith("访客") for e in events)
    assert plain <= 2 and lookups == [250], (plain, lookups)  # one XREVRANGE, one batch of data keys
    start = round_trips["n"]
    resumed = ctx.store.events_after("0-0", 500)
    assert round_trips["n"] - start <= 2 and len(resumed) == 500
    start = round_trips["n"]
    by_type, _ = timeline.page(ctx.store, type_=fold.REGISTERED, limit=250)
    assert len(by_type) == 250 and round_trips["n"] - start <= 5  # index, events by id, data keys
    start = round_trips["n"]
    from server.snapshot import reads_needed
    state = ctx.store.snapshot(reads_needed(ctx.registry)[0], recent=50)
    # the snapshot, the data keys of its events, those of its projections' sealed entries
    assert round_trips["n"] - start <= 3 and all(e["data"]["name"].startswith("访客") for e in state[2])


def keyring(*keys):
    """Return GATEWATCH_DATA_KEY for keys given newest first."""
    return ",".join(base64.b64encode(k).decode() for k in keys)


def test_master_keys_rotate_old_data_keys_and_ciphertexts_still_open(redis_server, tmp_path, caplog):
    from server.app import build_context
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    redis_server.client().flushall()
    before = build_context(settings_for(redis_server.url, tmp_path, data_key=keyring(old)))
    first = register(before)
    old_record = before.store.read_record(service.personal_key(before, first))
    assert old_record[DATA_KEY].split(".")[1] == key_id(old) == old_record["id"].split(".")[1]

    after = build_context(settings_for(redis_server.url, tmp_path, data_key=keyring(new, old)))
    second = register(after, name="Jane Doe", number=ID)
    new_record = after.store.read_record(service.personal_key(after, second))
    assert new_record[DATA_KEY].split(".")[1] == key_id(new) == new_record["id"].split(".")[1]
    names = {e["data"]["visitor_id"]: e["data"]["name"] for e in after.store.events_after("0-0", 100)
             if e["type"] == fold.REGISTERED}
    assert names == {first: "张三丰", second: "Jane Doe"}  # old wrapped data keys still open
    assert after.store.projection(fold.NAME)[second]["returning"] is True  # the blind index is stable
    committed, number = service.reveal_id(after, actor={"username": "chief", "role": "commander"}, visitor_id=first)
    assert number == ID  # an old ID ciphertext still decrypts

    dropped = build_context(settings_for(redis_server.url, tmp_path, data_key=keyring(new)))
    names = {e["data"]["visitor_id"]: e["data"]["name"] for e in dropped.store.events_after("0-0", 100)
             if e["type"] == fold.REGISTERED}
    assert names == {first: "张*", second: "Jane Doe"}  # dropping a key too early hides what it wrapped
    said = [r for r in caplog.records if r.name == "gatewatch.sealing"]
    assert len(said) == 1 and "1 sealed record" in said[0].getMessage()  # once per batch, never silent


def test_the_key_file_holds_several_keys_newest_first(tmp_path):
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    (tmp_path / "data_key").write_text(keyring(new) + "\n" + keyring(old) + "\n")
    settings = config.Settings(data_dir=tmp_path)
    sealer = Sealer(lambda: config.data_keys(settings))
    assert sealer.vault.current == key_id(new) and set(sealer.vault.keys) == {key_id(new), key_id(old)}
    wrapped = Sealer(lambda: [keyring(old)]).wrap(b"k" * 32, ("visitor_id", "v1"))
    assert sealer.unwrap(wrapped, ("visitor_id", "v1")) == b"k" * 32
    with pytest.raises(VaultError):
        sealer.unwrap(wrapped, ("visitor_id", "v2"))  # bound to its record
