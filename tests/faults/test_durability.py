"""Faults: kill -9 of Redis and of the watcher's process; the promises must hold."""
import signal
import time

import pytest
import requests

from support import FAST_VENUE, LiveServer, RedisServer


@pytest.fixture
def own_redis():
    """A redis-server this test may kill."""
    server = RedisServer().start()
    yield server
    server.stop()


def wait_until(predicate, timeout=15.0):
    """Poll until predicate() is true; return whether it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_acknowledged_checkins_survive_kill_9_of_redis(own_redis, tmp_path):
    """Every check-in answered 201 is still there after Redis is killed and restarted."""
    server = LiveServer(own_redis, tmp_path).start()
    try:
        server.add_user("g1", "guard")
        server.add_user("op1", "operator")
        guard, op = server.token("g1"), server.token("op1")
        acked = []
        for i in range(40):
            answer = server.post("/api/v1/checkins", guard, {"checkpoint_id": f"E{i % 5 + 1}", "status": "clear"})
            assert answer.status_code == 201
            acked.append(answer.json()["event"]["id"])
        own_redis.kill()

        # While Redis is down: writes 503 with Retry-After, readiness 503, never a 5xx crash page.
        down = server.post("/api/v1/checkins", guard, {"checkpoint_id": "E1", "status": "clear"})
        assert down.status_code == 503 and down.headers.get("Retry-After")
        assert down.json()["error"]["code"] == "unavailable"
        assert requests.get(server.url + "/readyz", timeout=5).status_code == 503

        own_redis.start()  # same directory: the AOF is replayed
        assert wait_until(lambda: requests.get(server.url + "/readyz", timeout=5).status_code == 200)
        events = requests.get(server.url + "/api/v1/events", params={"type": "patrol.checkin", "limit": 1000},
                              headers={"Authorization": f"Bearer {op}"}, timeout=5).json()["events"]
        assert set(acked) <= {e["id"] for e in events}
        # And the server recovered by itself: a new check-in is accepted.
        again = server.post("/api/v1/checkins", guard, {"checkpoint_id": "E2", "status": "clear"})
        assert again.status_code == 201
    finally:
        server.stop()


def test_replayed_submission_after_redis_restart_is_not_doubled(own_redis, tmp_path):
    """A phone retrying with the same key after a crash gets the original answer, not a twin."""
    server = LiveServer(own_redis, tmp_path).start()
    try:
        server.add_user("g1", "guard")
        guard = server.token("g1")
        first = server.post("/api/v1/checkins", guard, {"checkpoint_id": "E3", "status": "clear"}, key="phone-1")
        own_redis.kill()
        own_redis.start()
        assert wait_until(lambda: requests.get(server.url + "/readyz", timeout=5).status_code == 200)
        retry = server.post("/api/v1/checkins", guard, {"checkpoint_id": "E3", "status": "clear"}, key="phone-1")
        assert retry.status_code == 201 and retry.headers.get("Idempotent-Replayed") == "true"
        assert retry.json() == first.json()
    finally:
        server.stop()


def overdue_events(server, token):
    """Return the patrol.overdue events so far."""
    answer = requests.get(server.url + "/api/v1/events", params={"type": "patrol.overdue", "limit": 1000},
                          headers={"Authorization": f"Bearer {token}"}, timeout=5)
    return answer.json()["events"]


def test_overdue_is_raised_once_per_window_and_survives_leader_death(own_redis, tmp_path):
    """Two processes: one raises overdue alerts; kill -9 it and the other takes over, no doubles."""
    env = {"GATEWATCH_WATCH_INTERVAL": "0.3"}
    first = LiveServer(own_redis, tmp_path / "a", venue=FAST_VENUE, env=env)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first.start()
    second = LiveServer(own_redis, tmp_path / "b", venue=FAST_VENUE, env=env).start()
    try:
        first.add_user("op1", "operator")
        op = first.token("op1")
        assert wait_until(lambda: {e["data"]["checkpoint_id"] for e in overdue_events(first, op)} >= {"E1", "E2", "E3", "E4", "E5"})
        leader = first if "took" in (tmp_path / "a" / f"server-{first.port}.log").read_text() else second
        leader.process.send_signal(signal.SIGKILL)
        leader.process.wait()
        survivor = second if leader is first else first
        before = len(overdue_events(survivor, op))
        assert wait_until(lambda: len(overdue_events(survivor, op)) >= before + 5, timeout=20)
        events = overdue_events(survivor, op)
        windows = [(e["data"]["checkpoint_id"], e["data"]["due_at"]) for e in events]
        assert len(windows) == len(set(windows)), "a missed window was flagged twice"
    finally:
        first.stop()
        second.stop()
