"""Realtime behaviour against real server processes and real Socket.IO clients."""
import threading
import uuid

import pytest
import requests
import socketio

from support import LiveServer
from helpers import Listener, id_key


@pytest.fixture(scope="module")
def tokens(live_server):
    """A guard and an operator with device tokens."""
    live_server.add_user("g1", "guard")
    live_server.add_user("op1", "operator")
    live_server.add_user("disp1", "display")
    return {"guard": live_server.token("g1"), "operator": live_server.token("op1"),
            "display": live_server.token("disp1")}


def checkin(server, token, checkpoint="E3"):
    """Post a check-in and return its event id."""
    answer = server.post("/api/v1/checkins", token, {"checkpoint_id": checkpoint, "status": "clear"})
    assert answer.status_code == 201, answer.text
    return answer.json()["event"]["id"]


def test_events_arrive_live_in_order_exactly_once(live_server, tokens):
    """A dashboard sees every check-in, in stream order, once."""
    listener = Listener(live_server.url, tokens["operator"]).connect()
    try:
        ids = [checkin(live_server, tokens["guard"], cp) for cp in ("E1", "E2", "E3", "E4", "E5") * 4]
        assert listener.wait_ids(ids)
        got = [i for i in listener.ids if i in set(ids)]
        assert got == ids
        assert len(listener.ids) == len(set(listener.ids))
        event = next(e for e in listener.events if e["id"] == ids[0])
        assert event["type"] == "patrol.checkin" and event["data"]["checkpoint_id"] == "E1"
        assert event["actor"] == {"username": "g1", "role": "guard"}
    finally:
        listener.close()


def test_resume_from_cursor_has_no_gap_and_no_duplicate(live_server, tokens):
    """After a drop, a client resuming from its cursor gets exactly what it missed, then live."""
    first = Listener(live_server.url, tokens["display"]).connect()
    seen = [checkin(live_server, tokens["guard"]) for _ in range(3)]
    assert first.wait_ids(seen)
    cursor = first.ids[-1]
    first.close()
    missed = [checkin(live_server, tokens["guard"], "E2") for _ in range(30)]
    # Keep posting while the client resumes: the backlog/live switch must not lose or double.
    during, stop = [], threading.Event()

    def keep_posting():
        while not stop.is_set() and len(during) < 60:
            during.append(checkin(live_server, tokens["guard"], "E4"))

    poster = threading.Thread(target=keep_posting)
    poster.start()
    resumed = Listener(live_server.url, tokens["display"], since=cursor).connect()
    stop.set()
    poster.join()
    after = [checkin(live_server, tokens["guard"], "E5") for _ in range(3)]
    try:
        expected = missed + during + after
        assert resumed.wait_ids(expected)
        assert resumed.wait_for(lambda s: len(s.ids) >= len(expected))
        assert resumed.ids == expected  # exactly these, in order: no gap, no duplicate
        assert max(resumed.frames) > 1, "events travel in batched frames"
    finally:
        resumed.close()


def test_unauthenticated_and_foreign_origin_are_refused(live_server, tokens):
    """No token or a foreign Origin cannot open /live."""
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(live_server.url).connect()
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(live_server.url, "gw_not-a-token").connect()
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(live_server.url, tokens["operator"], headers={"Origin": "http://evil.example"},
                 transport="polling").connect()
    # (websocket-client sends the server's own origin by default: every other test covers it)


def test_guard_does_not_receive_the_operational_feed(live_server, tokens):
    """Guards connect for messages addressed to them, not the whole feed."""
    live_server.add_user("g_other", "guard")
    guard = Listener(live_server.url, tokens["guard"]).connect()
    watcher = Listener(live_server.url, tokens["operator"]).connect()
    try:
        eid = checkin(live_server, live_server.token("g_other"))
        assert watcher.wait_ids([eid])
        assert eid not in guard.ids
    finally:
        guard.close()
        watcher.close()


def test_disabling_a_user_drops_their_live_socket(live_server, tokens):
    """An admin disabling a display account disconnects its screen at once."""
    live_server.add_user("disp2", "display")
    token = live_server.token("disp2")
    screen = Listener(live_server.url, token).connect()
    from server.auth import users
    users.set_disabled(live_server.ctx, actor={"username": "test", "role": "admin"},
                       username="disp2", disabled=True)
    assert screen.disconnected.wait(5)
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(live_server.url, token).connect()


def test_heartbeat_carries_the_cursor(live_server, tokens):
    """Screens learn the feed is alive even when nothing happens."""
    listener = Listener(live_server.url, tokens["display"]).connect()
    try:
        assert listener.wait_for(lambda s: s.heartbeats, timeout=5)
        beat = listener.heartbeats[0]
        assert "cursor" in beat and "server_time" in beat and beat["store"] == "ok"
    finally:
        listener.close()


def test_two_processes_each_deliver_every_event(live_server, live_redis, tokens, tmp_path):
    """Two servers on one Redis: a check-in posted to one reaches clients of both."""
    second = LiveServer(live_redis, tmp_path).start()
    try:
        a = Listener(live_server.url, tokens["operator"]).connect()
        b = Listener(second.url, tokens["operator"]).connect()
        ids = [checkin(live_server if i % 2 else second, tokens["guard"]) for i in range(20)]
        assert a.wait_ids(ids) and b.wait_ids(ids)
        assert [i for i in a.ids if i in ids] == ids == [i for i in b.ids if i in ids]
        a.close()
        b.close()
    finally:
        second.stop()


def test_too_far_behind_gets_resync(live_redis, tmp_path):
    """A client whose backlog exceeds the limit is told to resync instead of replaying it all."""
    server = LiveServer(live_redis, tmp_path, env={"GATEWATCH_RESYNC_AFTER": "5"}).start()
    try:
        server.add_user("op9", "operator")
        server.add_user("g9", "guard")
        op, guard = server.token("op9"), server.token("g9")
        for _ in range(12):
            checkin(server, guard)
        late = Listener(server.url, op, since="0-0").connect()
        assert late.wait_for(lambda s: s.resyncs, timeout=5)
        assert late.disconnected.wait(5)
    finally:
        server.stop()


def test_gevent_mode_serves_live_events(live_redis, tmp_path):
    """GATEWATCH_ASYNC_MODE=gevent works end to end (eventlet's documented exit route)."""
    server = LiveServer(live_redis, tmp_path, env={"GATEWATCH_ASYNC_MODE": "gevent"}).start()
    try:
        server.add_user("op8", "operator")
        server.add_user("g8", "guard")
        listener = Listener(server.url, server.token("op8")).connect()
        eid = checkin(server, server.token("g8"))
        assert listener.wait_ids([eid])
        listener.close()
    finally:
        server.stop()


def test_logout_over_http_drops_the_session_socket(live_server):
    """Signing out closes that session's open sockets (DESIGN §9.7)."""
    live_server.add_user("op2", "operator")
    http = requests.Session()
    answer = http.post(live_server.url + "/api/v1/auth/login",
                       json={"username": "op2", "password": "correct-horse-1"})
    csrf = answer.json()["csrf_token"]
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    screen = Listener(live_server.url, headers={"Cookie": cookie}).connect()
    http.post(live_server.url + "/api/v1/auth/logout", headers={"X-CSRF-Token": csrf,
                                                               "Idempotency-Key": uuid.uuid4().hex})
    assert screen.disconnected.wait(5)


def test_revocation_reaches_every_process_at_once(live_server):
    """A token disabled by another process stops working here well before the sign-in cache expires."""
    import time

    from server.auth import users
    live_server.add_user("g7", "guard")
    token = live_server.token("g7")
    ok = live_server.post("/api/v1/checkins", token, {"checkpoint_id": "E1", "status": "clear"})
    assert ok.status_code == 201  # now cached by the server process
    users.set_disabled(live_server.ctx, actor={"username": "test", "role": "admin"},
                       username="g7", disabled=True)
    deadline = time.monotonic() + 1.0  # the cache would keep it for 5 s; the stream event is faster
    status = None
    while time.monotonic() < deadline:
        status = live_server.post("/api/v1/checkins", token, {"checkpoint_id": "E1", "status": "clear"}).status_code
        if status == 401:
            break
        time.sleep(0.02)
    assert status == 401


def test_the_default_namespace_refuses_every_connection(live_server, tokens):
    """Everything live is on /live behind sign-in; '/' accepts nobody, not even a valid token."""
    for token in (None, tokens["operator"]):
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(live_server.url, namespaces=["/"], auth={"token": token} if token else None,
                           transports=["websocket"], wait_timeout=5)
        client.disconnect()
