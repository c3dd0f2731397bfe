"""Visitors live: a display receives registrations masked, an operator in full, live and on resume;
the full ID number is in no live payload, no Redis value and no server log line."""
import json
import pathlib

import pytest

from helpers import device_tokens, live_then_resumed
from unit_ids import ID

USERS = {"gate1": "guard", "op1": "operator", "disp1": "display", "cmd1": "commander"}
BODY = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
        "purpose": "会议", "entrance_id": "E1", "organization": "市政府"}


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    return device_tokens(live_server, USERS)


def received(listener, event_id):
    """Return the envelope with this id a listener received."""
    return next(e for e in listener.events if e["id"] == event_id)


def test_display_gets_the_visitor_masked_operator_in_full_live_and_on_resume(live_server, tokens):
    viewers = {who: tokens[who] for who in ("op1", "disp1", "gate1")}

    def act():
        """Register a visitor, check them out, reveal the ID; return the two event ids."""
        answer = live_server.post("/api/v1/visitors", tokens["gate1"], BODY)
        assert answer.status_code == 201, answer.text
        vid = answer.json()["visitor"]["visitor_id"]
        out = live_server.post(f"/api/v1/visitors/{vid}/checkout", tokens["gate1"], {"entrance_id": "E2"})
        assert out.status_code == 200, out.text
        reveal = live_server.post(f"/api/v1/visitors/{vid}/reveal", tokens["cmd1"], {})
        assert reveal.status_code == 200 and reveal.json()["id_number"] == ID
        return answer.json()["event"]["id"], out.json()["event"]["id"]

    (registered, left), live, resumed = live_then_resumed(
        live_server.url, viewers, live_server.ctx.store.last_id(), act,
        lambda ids: {who: list(ids) for who in viewers})
    payloads = {who: list(live[who].events) for who in viewers}
    for who in viewers:
        assert resumed[who].events == payloads[who], f"{who}: resume gives what live gave"
    for who in ("op1", "gate1"):
        data = received_from(payloads[who], registered)
        assert data["name"] == "张三丰" and data["phone"] == "13800138000", who
    shown = received_from(payloads["disp1"], registered)
    assert shown["name"] == "张*" and "phone" not in shown and shown["id_masked"] == "110105********002X"
    assert received_from(payloads["disp1"], left)["name"] == "张*"
    # The reveal is audited for commanders and admins only.
    assert {e["type"] for who in viewers for e in payloads[who]} == {"visitor.registered", "visitor.checked_out"}
    wire = json.dumps(payloads, ensure_ascii=False)
    assert ID not in wire and ID[6:14] not in wire
    assert "三丰" not in json.dumps(payloads["disp1"], ensure_ascii=False)
    # Nothing in any server log line, nor any Redis value.
    for log in pathlib.Path(live_server.data_dir).glob("*.log"):
        text = log.read_text(encoding="utf-8", errors="replace")
        assert ID not in text and ID[6:14] not in text, log
    r = live_server.redis.client()
    for key in r.scan_iter(count=1000):
        kind = r.type(key)
        value = {"hash": r.hgetall, "stream": r.xrange, "set": r.smembers, "string": r.get}.get(kind, repr)(key)
        assert ID not in repr(value) and ID[6:14] not in repr(value), key


def received_from(events, event_id):
    """Return the data of the envelope with this id."""
    return next(e for e in events if e["id"] == event_id)["data"]
