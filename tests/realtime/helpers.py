"""A recording python-socketio client for realtime tests."""
import threading
import time

import requests
import socketio


def id_key(stream_id):
    """Sort key of a stream id."""
    ms, seq = stream_id.split("-")
    return int(ms), int(seq)


class Listener:
    """A real Socket.IO client on /live that records every event it receives."""

    def __init__(self, url, token=None, since=None, headers=None, transport="websocket"):
        self.url, self.token, self.since, self.headers = url, token, since, headers or {}
        self.transport = transport
        self.events, self.resyncs, self.heartbeats, self.frames = [], [], [], []
        self.patches, self.resets = [], []  # each frame's patches; the reset a resumed client got
        self.beat_times = []  # time.monotonic() of each heartbeat's arrival
        self.disconnected = threading.Event()
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("events", self._on_frame, namespace="/live")
        self.sio.on("resync", lambda data: self.resyncs.append(data), namespace="/live")
        self.sio.on("heartbeat", self._on_heartbeat, namespace="/live")
        self.sio.on("disconnect", lambda *a: self.disconnected.set(), namespace="/live")
        self._in_wire_order()

    def _in_wire_order(self):
        """Handle messages on the read thread in arrival order.

        python-engineio's client runs each message handler in a new thread, which can reorder
        what the server sent in order; an order assertion must see the wire order.
        """
        original = self.sio.eio._trigger_event

        def trigger(event, *args, **kwargs):
            if event == "message":
                kwargs["run_async"] = False
            return original(event, *args, **kwargs)
        self.sio.eio._trigger_event = trigger

    def _on_heartbeat(self, beat):
        """Record a heartbeat and when it arrived."""
        self.beat_times.append(time.monotonic())
        self.heartbeats.append(beat)

    def _on_frame(self, frame):
        """Record one frame: {events (envelopes in stream order), patches, cursor[, reset]}."""
        with self.lock:
            self.frames.append(len(frame["events"]))
            self.events.extend(frame["events"])
            self.patches.append(frame.get("patches") or {})
            if "reset" in frame:
                self.resets.append(frame["reset"])

    def connect(self):
        """Connect over websocket with the token and cursor."""
        auth = {}
        if self.token:
            auth["token"] = self.token
        if self.since:
            auth["since"] = self.since
        self.sio.connect(self.url, namespaces=["/live"], auth=auth, transports=[self.transport],
                         headers=self.headers, wait_timeout=5)
        return self

    def close(self):
        """Disconnect."""
        if self.sio.connected:
            self.sio.disconnect()

    @property
    def ids(self):
        """Ids received so far, in arrival order."""
        with self.lock:
            return [e["id"] for e in self.events]

    def wait_for(self, predicate, timeout=10.0):
        """Wait until predicate(self) holds; return whether it did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return True
            time.sleep(0.01)
        return predicate(self)

    def wait_ids(self, ids, timeout=10.0):
        """Wait until every id has arrived."""
        wanted = set(ids)
        return self.wait_for(lambda s: wanted <= set(s.ids), timeout)


def live_then_resumed(url, tokens, since, act, wanted, settle=0.5):
    """Watch viewers live from `since` while act() runs, then resume each from `since` again.

    `wanted(result)` gives {viewer: ids it must receive}; the function waits for them, lets
    anything extra arrive for `settle` seconds, and returns (result, live, resumed): the act's
    result and, per viewer, the Listener of the live run and of the resumed one (closed).
    """
    live = {who: Listener(url, tokens[who], since=since).connect() for who in tokens}
    try:
        result = act()
        for who, ids in wanted(result).items():
            assert live[who].wait_ids(ids), who
        time.sleep(settle)
    finally:
        for listener in live.values():
            listener.close()
    resumed = {}
    for who, ids in wanted(result).items():
        resumed[who] = Listener(url, tokens[who], since=since).connect()
        try:
            assert resumed[who].wait_ids(ids), f"{who} on resume"
            time.sleep(0.3)
        finally:
            resumed[who].close()
    return result, live, resumed


def device_tokens(server, users):
    """Create each {username: role} on a live server; return {username: device token}."""
    for username, role in users.items():
        server.add_user(username, role)
    return {username: server.token(username) for username in users}


def events(server, token, type_):
    """Return the stored events of a type, oldest first, read over the API."""
    answer = requests.get(server.url + "/api/v1/events", params={"type": type_, "limit": 1000, "order": "asc"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["events"]


def wait_until(predicate, timeout=15.0):
    """Poll until predicate() is true; return whether it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()
