"""Watchlist hits live: an exact and a fuzzy hit, and a refusal, reach a live operator (and on
resume); a display gets only the alerts; no ID number in any live payload, Redis value or log."""
import json
import pathlib

import pytest

from helpers import device_tokens, live_then_resumed
from unit_ids import ID, ID2

USERS = {"wl_gate": "guard", "wl_op": "operator", "wl_wall": "display", "wl_cmd": "commander"}
VISITOR = {"purpose": "会议", "entrance_id": "E2"}


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    return device_tokens(live_server, USERS)


def test_exact_and_fuzzy_hits_and_a_refusal_reach_a_live_operator(live_server, tokens):
    cmd, gate = tokens["wl_cmd"], tokens["wl_gate"]
    for entry in ({"name": "张伟", "aliases": ["張偉"], "action": "deny", "reason": "threatened staff"},
                  {"id_type": "resident_id", "id_number": ID, "action": "alert", "reason": "protester"},
                  {"id_type": "resident_id", "id_number": ID2, "plate": "沪B99999", "action": "deny", "reason": "ban"}):
        assert live_server.post("/api/v1/watchlist", cmd, entry).status_code == 201
    viewers = {who: tokens[who] for who in ("wl_op", "wl_wall", "wl_gate", "wl_cmd")}

    def act():
        """Register a fuzzy match, an exact match and a refused one; return their event ids by kind."""
        fuzzy = live_server.post("/api/v1/visitors", gate, {**VISITOR, "name": "Zhang Wei", "id_type": "passport",
                                                            "id_number": "E99887766"})
        exact = live_server.post("/api/v1/visitors", gate, {**VISITOR, "name": "王五", "id_type": "resident_id",
                                                            "id_number": ID})
        refused = live_server.post("/api/v1/visitors", gate, {**VISITOR, "name": "赵六", "id_type": "resident_id",
                                                              "id_number": ID2})
        assert (fuzzy.status_code, exact.status_code, refused.status_code) == (201, 201, 409), refused.text
        assert refused.json()["error"]["code"] == "visitor_denied"
        return {"fuzzy": fuzzy.json()["visitor"]["visitor_id"], "exact": exact.json()["visitor"]["visitor_id"],
                "denied": refused.json()["event"]["id"]}

    def ids_of(result, types):
        """Return the stream ids of the events of some types that mention the act's visitors."""
        wanted = []
        for event in live_server.ctx.store.scan_events():
            data = event["data"]
            if event["type"] in types and (data.get("visitor_id") in (result["fuzzy"], result["exact"])
                                           or event["id"] == result["denied"] or data.get("kind") == "watchlist_denied"):
                wanted.append(event["id"])
        return wanted

    def wanted(result):
        """Staff get hits, refusal and alerts; the wall the alerts; the guard the refusal."""
        staff = ids_of(result, {"visitor.watchlist_hit", "visitor.denied", "alert.raised"})
        return {"wl_op": staff, "wl_cmd": staff, "wl_wall": ids_of(result, {"alert.raised"}),
                "wl_gate": [result["denied"]]}

    result, live, resumed = live_then_resumed(live_server.url, viewers, live_server.ctx.store.last_id(), act, wanted)
    got = {who: list(live[who].events) for who in viewers}
    for who in viewers:
        assert resumed[who].events == got[who], f"{who}: resume gives what live gave"
    hits = {e["data"]["visitor_id"]: e["data"] for e in got["wl_op"] if e["type"] == "visitor.watchlist_hit"}
    assert (hits[result["fuzzy"]]["match"], hits[result["fuzzy"]]["matched_on"]) == ("possible", "name")
    assert (hits[result["exact"]]["match"], hits[result["exact"]]["matched_on"]) == ("exact", "id")
    alerts = [e["data"] for e in got["wl_op"] if e["type"] == "alert.raised"]
    assert sorted((a["kind"], a["match"], a["severity"]) for a in alerts) == [
        ("watchlist_denied", "exact", 1), ("watchlist_hit", "exact", 1), ("watchlist_hit", "possible", 2)]
    assert [e["type"] for e in got["wl_op"] if e["type"] == "visitor.denied"] == ["visitor.denied"]
    wall_types = {e["type"] for e in got["wl_wall"]}
    assert not wall_types & {"visitor.watchlist_hit", "visitor.denied"}, wall_types
    assert "张伟" not in json.dumps(got["wl_wall"], ensure_ascii=False)
    assert not {e["type"] for e in got["wl_gate"]} & {"visitor.watchlist_hit", "alert.raised"}
    # No ID number anywhere: live payloads, Redis keys and values, server logs.
    wire = json.dumps(got, ensure_ascii=False)
    r = live_server.redis.client()
    stored = []
    for key in r.scan_iter(count=1000):
        kind = r.type(key)
        read = {"hash": r.hgetall, "stream": r.xrange, "set": r.smembers, "string": r.get,
                "zset": lambda k: r.zrange(k, 0, -1)}.get(kind, repr)
        stored.append(f"{key!r} {read(key)!r}")
    logs = [p.read_text(encoding="utf-8", errors="replace") for p in pathlib.Path(live_server.data_dir).glob("*.log")]
    for number in (ID, ID2):
        for text in (wire, *stored, *logs):
            assert number not in text and number[6:14] not in text, text[:300]
