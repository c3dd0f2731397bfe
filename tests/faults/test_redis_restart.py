"""After kill -9 of Redis and its restart, the very first requests succeed.

The app's pooled connections still point at the dead server; each is found broken only when
used. A read, a page or a commit that a retry on a fresh connection would serve must not
answer 503 for that (issue 12: /readyz and /api/v1/state answered 200, then /guard 503 once).
"""
import concurrent.futures
import uuid

import pytest
import requests

from support import LiveServer, RedisServer

PASSWORD = "correct-horse-1"
# Enough requests at once that the server's pool holds several connections before the kill.
WARM = 12


@pytest.fixture
def own_redis():
    """A redis-server this test may kill."""
    server = RedisServer().start()
    yield server
    server.stop()


def signed_in(server, username):
    """Return a requests session signed in (cookie and CSRF token) as a user."""
    session = requests.Session()
    answer = session.post(server.url + "/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                          timeout=10)
    assert answer.status_code == 200, answer.text
    session.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return session


def requests_of_each_kind(server, guard, op):
    """Return named calls: a page, the state, a timeline read and a commit."""
    def checkin():
        return guard.post(server.url + "/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"},
                          headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=10)
    return {"page /guard": lambda: guard.get(server.url + "/guard", timeout=10),
            "page /control": lambda: op.get(server.url + "/control", timeout=10),
            "GET /api/v1/state": lambda: op.get(server.url + "/api/v1/state", timeout=10),
            "GET /api/v1/events": lambda: op.get(server.url + "/api/v1/events?limit=5", timeout=10),
            "POST /api/v1/checkins": checkin}


def run_all(calls, times=1):
    """Run every call `times` times at once; return {name: [status, …]}."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=WARM) as pool:
        futures = {pool.submit(call): name for name, call in calls.items() for _ in range(times)}
        statuses = {name: [] for name in calls}
        for future in concurrent.futures.as_completed(futures):
            statuses[futures[future]].append(future.result().status_code)
    return statuses


def test_the_first_requests_after_redis_restarts_succeed(own_redis, tmp_path):
    server = LiveServer(own_redis, tmp_path).start()
    try:
        server.add_user("rg1", "guard", PASSWORD)
        server.add_user("rop1", "operator", PASSWORD)
        guard, op = signed_in(server, "rg1"), signed_in(server, "rop1")
        calls = requests_of_each_kind(server, guard, op)
        before = run_all(calls, times=3)  # fills the pool with connections to this Redis
        assert all(s in (200, 201) for statuses in before.values() for s in statuses), before

        own_redis.kill()
        own_redis.start()  # same directory: the AOF is replayed; returns once it is loaded

        first = run_all(calls, times=3)
        assert all(s in (200, 201) for statuses in first.values() for s in statuses), first
    finally:
        server.stop()


def poison(client, how_many=4):
    """Leave the pool's idle connections half-open: connected to a peer that never answers.

    What a restarted Redis behind a proxy or NAT leaves behind: no close ever reaches this
    side, so the pool cannot tell the connection is dead before using it.
    """
    import socket
    pool = client.connection_pool
    taken = [pool.get_connection() for _ in range(how_many)]
    peers = []
    for conn in taken:
        silent, peer = socket.socketpair()
        silent.settimeout(0.3)  # the read on it times out (the real timeout is 5 s)
        conn._sock = silent
        conn._parser.on_connect(conn)
        peers.append(peer)
    for conn in taken:
        pool.release(conn)
    return peers  # kept open: a closed peer would be noticed


def test_a_half_open_pooled_connection_fails_no_request(ctx, app, auth, client):
    auth.login("hop1", "operator")
    peers = poison(ctx.store.redis)
    assert client.get("/api/v1/state").status_code == 200
    auth.login("hg1", "guard")
    peers += poison(ctx.store.redis)
    assert client.get("/guard").status_code == 200
    peers += poison(ctx.store.redis)
    answer = auth.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"}, key="half-open-1")
    assert answer.status_code == 201, answer.get_json()
    recorded = [e for e in ctx.store.scan_events() if e["type"] == "patrol.checkin"]
    assert len(recorded) == 1  # sent again on a fresh connection, recorded once
    for peer in peers:
        peer.close()
