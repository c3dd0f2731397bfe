"""Vehicles and expected lists live: who receives vehicle.entered/left, the no-pass alert and the
import event, live and on resume (the import reaches staff only and carries counts, no names)."""
import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
import requests

from helpers import device_tokens, live_then_resumed
from unit_ids import ID

USERS = {"gate_a": "guard", "gate_b": "guard", "op_a": "operator", "wall_a": "display"}


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    return device_tokens(live_server, USERS)


def test_vehicle_events_reach_the_feed_and_the_guard_the_import_reaches_staff_only(live_server, tokens):
    day = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()

    def act():
        """Log a vehicle in at the pass-required gate and out again; import a list."""
        body = {"plate": "沪B67890", "direction": "in", "entrance_id": "E3", "kind": "visitor"}
        entered = live_server.post("/api/v1/vehicles", tokens["gate_a"], body)
        assert entered.status_code == 201, entered.text
        left = live_server.post("/api/v1/vehicles", tokens["gate_a"], {**body, "direction": "out"})
        assert left.status_code == 201, left.text
        csv = f"name,id_type,id_number,organization,host,date,plate\n张三丰,resident_id,{ID},市政府,李主任,{day},\n"
        imported = requests.post(live_server.url + "/api/v1/visitors/expected/import", data=csv.encode(), timeout=10,
                                 headers={"Authorization": f"Bearer {tokens['op_a']}", "Content-Type": "text/csv",
                                          "Idempotency-Key": uuid.uuid4().hex})
        assert imported.status_code == 201, imported.text
        stream = live_server.ctx.store.events_after(entered.json()["event"]["id"], 10)
        alert = next(e["id"] for e in stream if e["type"] == "alert.raised")
        return entered.json()["event"]["id"], alert, left.json()["event"]["id"], imported.json()["event"]["id"]

    def wanted(ids):
        entered, alert, left, imported = ids
        return {"op_a": [entered, alert, left, imported], "wall_a": [entered, alert, left],
                "gate_a": [entered, left], "gate_b": []}

    viewers = {who: tokens[who] for who in USERS}
    ids, live, resumed = live_then_resumed(live_server.url, viewers, live_server.ctx.store.last_id(), act, wanted)
    for who, expected in wanted(ids).items():
        # The watcher closes the no-pass alert once the car left, whenever its timer runs
        # (tests/realtime/test_alerts_close_live.py): not part of this order.
        assert [e["id"] for e in live[who].events if e["type"] != "alert.closed"] == expected, who
        assert [e for e in resumed[who].events if e["type"] != "alert.closed"] == \
            [e for e in live[who].events if e["type"] != "alert.closed"], f"{who}: resume gives what live gave"
    imported = next(e for e in live["op_a"].events if e["type"] == "visitor.expected_imported")
    assert imported["data"]["count"] == 1 and "张三丰" not in json.dumps(imported, ensure_ascii=False)
    alert = next(e for e in live["wall_a"].events if e["type"] == "alert.raised")
    assert alert["data"]["kind"] == "vehicle_no_pass" and alert["data"]["entrance_id"] == "E3"
