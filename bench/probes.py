"""Clients the benchmarks drive: a check-in poster and a /live listener."""
import collections
import http.client
import json
import threading
import time
import urllib.parse
import uuid

import socketio

NAMESPACE = "/live"


def bearer(token):
    """Return the auth headers of a device token (none for the bare app)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def percentile(values, q):
    """Return the q-th percentile (0..100) of values by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Poster:
    """Posts check-ins over one keep-alive HTTP connection.

    http.client rather than requests: the client's own overhead is added to
    both apps alike and would pull every ratio towards 1.
    """

    def __init__(self, base_url, auth=None, checkpoints=("E3",)):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        # A guard walks a round of checkpoints; the poster cycles through its list likewise.
        self.checkpoints = list(checkpoints)
        self.sent = 0
        # auth: the headers that identify the guard (bearer token, or session cookie + CSRF token).
        self.headers = {"Content-Type": "application/json", **(auth or {})}
        self.conn = None

    def _connection(self):
        """Return the open connection, opening it if needed."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return self.conn

    def close(self):
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def checkin(self):
        """Post one check-in; return (status, event id or None)."""
        checkpoint = self.checkpoints[self.sent % len(self.checkpoints)]
        self.sent += 1
        body = json.dumps({"checkpoint_id": checkpoint, "status": "clear"})
        headers = dict(self.headers, **{"Idempotency-Key": uuid.uuid4().hex})
        try:
            return self._send(body, headers)
        except (http.client.HTTPException, ConnectionError):
            # The server may close an idle keep-alive connection: retry once on a fresh one
            # with the same key, which is exactly what a phone's outbox would do.
            self.close()
            return self._send(body, headers)

    def _send(self, body, headers):
        """Send one POST and parse the answer."""
        conn = self._connection()
        conn.request("POST", "/api/v1/checkins", body=body, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        if resp.status != 201:
            return resp.status, None
        return resp.status, json.loads(payload)["event"]["id"]


class Listener:
    """A /live Socket.IO client that timestamps every event it receives, by id."""

    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.token = token
        self.arrivals = {}
        self.counts = collections.Counter()
        self.order_errors = 0
        self.order_samples = []  # (previous id, this id, this type) for the first few
        self._last = None
        self._cond = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("event", self._on_event, namespace=NAMESPACE)
        self.client.on("events", lambda frame: [self._on_event(e) for e in frame["events"]], namespace=NAMESPACE)
        in_wire_order(self.client)

    def connect(self):
        """Connect over websocket, as a control-room screen does."""
        auth = {"token": self.token} if self.token else None
        self.client.connect(
            self.base_url, namespaces=[NAMESPACE], transports=["websocket"], auth=auth, wait_timeout=15
        )

    def disconnect(self):
        """Disconnect from the server."""
        self.client.disconnect()

    def _on_event(self, event):
        """Record the arrival time of one event and wake any waiter."""
        arrived = time.perf_counter()
        event_id = event.get("id") if isinstance(event, dict) else None
        with self._cond:
            if event_id is not None and self._last is not None and stream_key(event_id) <= stream_key(self._last):
                self.order_errors += 1
                if len(self.order_samples) < 5:
                    self.order_samples.append((self._last, event_id, event.get("type")))
            self._last = event_id or self._last
            self.arrivals.setdefault(event_id, arrived)
            self.counts[event_id] += 1
            self._cond.notify_all()

    def wait_for(self, event_id, timeout):
        """Return the arrival time of event_id, or None if it did not come in time."""
        with self._cond:
            self._cond.wait_for(lambda: event_id in self.arrivals, timeout)
            return self.arrivals.get(event_id)

    def wait_all(self, ids, timeout):
        """Wait until every id has arrived; return how many are still missing."""
        wanted = set(ids)
        with self._cond:
            self._cond.wait_for(lambda: wanted.issubset(self.arrivals), timeout)
            return len(wanted - self.arrivals.keys())

    def duplicates(self, ids):
        """Return how many extra copies of ids were received."""
        with self._cond:
            return sum(max(self.counts[i] - 1, 0) for i in ids)


def in_wire_order(client):
    """Make the client handle messages on its read thread, in the order they arrived.

    python-engineio's client runs each message handler in a new thread, which can reorder
    events and delays every timestamp by a thread start; both would be blamed on the server.
    """
    eio = getattr(client, "eio", None)
    original = getattr(eio, "_trigger_event", None)
    if original is None:
        return  # a future client without this hook: timings stay valid, order checks get noisier

    def trigger(event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return original(event, *args, **kwargs)

    eio._trigger_event = trigger


def stream_key(event_id):
    """Return a sortable key for a Redis stream id like '1700000000000-3'."""
    ms, _, seq = str(event_id).partition("-")
    try:
        return int(ms), int(seq or 0)
    except ValueError:
        return (0, 0)
