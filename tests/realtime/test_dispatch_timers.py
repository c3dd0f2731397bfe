"""The watcher's dispatch timers with thresholds of seconds from a test venue file, two processes
running: escalation, an unaccepted assignment and an unread broadcast each alert exactly once."""
import time

import pytest

from support import FAST_VENUE, LiveServer
from helpers import events, wait_until


@pytest.fixture(scope="module")
def pair(live_redis, tmp_path_factory):
    """Two server processes on one Redis, both running the leader-elected watcher."""
    env = {"GATEWATCH_WATCH_INTERVAL": "0.3"}
    servers = [LiveServer(live_redis, tmp_path_factory.mktemp(name), venue=FAST_VENUE, env=env).start()
               for name in ("a", "b")]
    yield servers
    for server in servers:
        server.stop()


def test_each_timer_alerts_once_with_two_watchers(pair):
    first, second = pair
    for name, role in (("tg1", "guard"), ("tg2", "guard"), ("top", "operator")):
        first.add_user(name, role)
    op, guard = first.token("top"), first.token("tg1")
    severe = first.post("/api/v1/incidents", guard, {"category": "fire_smoke", "location_id": "E2",
                                                     "description": "smoke from the kitchen"}).json()
    assert severe["incident"]["severity"] == 1
    assigned = second.post("/api/v1/incidents", guard, {"category": "lost_found", "location_id": "E1",
                                                        "description": "a bag left at the gate"}).json()
    iid = assigned["incident"]["incident_id"]
    assert second.post(f"/api/v1/incidents/{iid}/actions", op, {"action": "acknowledge"}).status_code == 200
    assert second.post(f"/api/v1/incidents/{iid}/actions", op,
                       {"action": "assign", "assignee": "tg1"}).status_code == 200
    sent = first.post("/api/v1/broadcasts", op, {"text": "Radio check", "to": "all"}).json()
    bid = sent["broadcast"]["broadcast_id"]
    assert first.post(f"/api/v1/broadcasts/{bid}/acknowledge", guard, {}).status_code == 200

    def raised():
        """Return the dispatch alerts so far (the fast venue's gates go overdue too: not these)."""
        return [e["data"] for e in events(first, op, "alert.raised") if e["data"]["kind"] != "patrol_overdue"]
    kinds = {"incident_unacknowledged", "assignment_unacknowledged", "broadcast_unacknowledged"}
    assert wait_until(lambda: {a["kind"] for a in raised()} == kinds), raised()
    time.sleep(2)  # several more ticks of both watchers: nothing may be raised twice
    alerts = raised()
    assert sorted(a["kind"] for a in alerts) == sorted(kinds), alerts
    by_kind = {a["kind"]: a for a in alerts}
    assert by_kind["incident_unacknowledged"]["incident_id"] == severe["incident"]["incident_id"]
    assert (by_kind["assignment_unacknowledged"]["incident_id"], by_kind["assignment_unacknowledged"]["assignee"]) == (
        iid, "tg1")
    assert by_kind["broadcast_unacknowledged"]["missing"] == ["tg2"]
    escalated = events(second, op, "incident.escalated")
    assert [(e["data"]["incident_id"], e["data"]["automatic"], e["data"]["threshold_min"]) for e in escalated] == [
        (severe["incident"]["incident_id"], True, 0.05)]
    logs = [p.read_text() for s in pair for p in s.data_dir.glob("server-*.log")]
    assert sum("took leadership" in text for text in logs) >= 1  # both run a watcher; one leads
