"""Per-process delivery: one stream tailer, and each /live client's cursor.

Every event reaches a client exactly once and in stream order: a new client first catches
up from its cursor with XRANGE up to the tailer's position, while the tailer buffers what
it reads for that client; the switch to the live room happens under the same lock the
tailer holds while emitting, so nothing falls between the two (DESIGN §9.6).
"""
import logging
import threading
from dataclasses import dataclass, field

from server import events as ev
from server.store.accounts import session_tag
from server.store import UNAVAILABLE

log = logging.getLogger("gatewatch.live")
NAMESPACE = "/live"
FEED = "feed"
CATCH_UP_BATCH = 500


@dataclass
class Client:
    """One connected socket's delivery state."""

    sid: str
    username: str
    session: str | None
    cursor: str
    feed: bool
    live: bool = False
    buffer: list = field(default_factory=list)


class Hub:
    """The tailer and the clients of this process."""

    def __init__(self, ctx, socketio):
        self.ctx, self.socketio = ctx, socketio
        self.clients = {}
        self.lock = threading.Lock()
        self.position = None
        self.running = False

    # -- clients -------------------------------------------------------------------------
    def connect(self, sid, user, since, feed):
        """Register a client; start its catch-up (call last in the connect handler)."""
        cursor = since or self.ctx.store.last_id()
        client = Client(sid=sid, username=user.username, cursor=cursor, feed=feed,
                        session=session_tag(user.session_id) if user.session_id else None)
        if not feed:
            client.live, client.buffer = True, None  # guards get only what is addressed to them
        with self.lock:
            self.clients[sid] = client
        self.ctx.metrics.live_clients.set(len(self.clients))
        if feed:
            self.socketio.start_background_task(self._catch_up, client)

    def disconnect(self, sid):
        """Forget a client."""
        with self.lock:
            self.clients.pop(sid, None)
        self.ctx.metrics.live_clients.set(len(self.clients))

    def _emit(self, event, to):
        """Send one event envelope to a sid or room."""
        self.socketio.emit("event", ev.envelope(event, self.ctx.venue.id), to=to, namespace=NAMESPACE)

    def _catch_up(self, client):
        """Replay events after the client's cursor, then switch it to live delivery."""
        sent = 0
        try:
            while client.sid in self.clients:
                position = self._wait_position(client)
                if position is None:
                    return
                batch = self._backlog(client.cursor, position)
                for event in batch:
                    if not ev.is_private(event["type"]):
                        self._emit(event, client.sid)
                        sent += 1
                    client.cursor = event["id"]
                if sent > self.ctx.settings.resync_after:
                    self._resync(client)
                    return
                if len(batch) < CATCH_UP_BATCH and self._go_live(client):
                    return
        except UNAVAILABLE:
            log.warning("catch-up for %s failed: Redis unavailable; dropping the socket", client.username)
            self.socketio.server.disconnect(client.sid, namespace=NAMESPACE)

    def _wait_position(self, client):
        """Wait until the tailer has read at least up to the client's cursor."""
        for _ in range(600):
            position = self.position
            if position is not None and ev.id_key(position) >= ev.id_key(client.cursor):
                return position
            self.socketio.sleep(0.05)
        log.warning("tailer behind client cursor for 30 s; asking %s to resync", client.username)
        self._resync(client)
        return None

    def _backlog(self, cursor, position):
        """Read events in (cursor, position]."""
        if ev.id_key(cursor) >= ev.id_key(position):
            return []
        return self.ctx.store.events_after(cursor, CATCH_UP_BATCH, upto=position)

    def _go_live(self, client):
        """Flush the buffer and join the live room, atomically with respect to the tailer.

        The buffer holds every event the tailer read since this client registered, and the
        backlog covered everything up to a position at or after that moment: together they
        leave no gap, and the cursor filter leaves no duplicate.
        """
        with self.lock:
            for event in client.buffer:
                if ev.id_key(event["id"]) > ev.id_key(client.cursor):
                    if not ev.is_private(event["type"]):
                        self._emit(event, client.sid)
                    client.cursor = event["id"]
            client.buffer, client.live = None, True
            if client.feed:
                self.socketio.server.enter_room(client.sid, FEED, namespace=NAMESPACE)
        return True

    def _resync(self, client):
        """Tell a client it is too far behind: refetch /api/v1/state and reconnect."""
        self.socketio.emit("resync", {"cursor": self.position}, to=client.sid, namespace=NAMESPACE)
        self.disconnect(client.sid)
        self.socketio.server.disconnect(client.sid, namespace=NAMESPACE)

    # -- the tailer ------------------------------------------------------------------------
    def start(self):
        """Start the tailer and the heartbeat (once per process)."""
        if self.running:
            return
        self.running = True
        self.socketio.start_background_task(self._tail)
        self.socketio.start_background_task(self._heartbeat)

    def stop(self):
        """Ask background loops to end."""
        self.running = False

    def _tail(self):
        """Read the stream with XREAD BLOCK and deliver each event once, in order."""
        conn, backoff = None, 0.5
        while self.running:
            try:
                if conn is None:
                    conn = self.ctx.store.tailer()
                if self.position is None:
                    self.position = self.ctx.store.last_id()
                batch = self.ctx.store.tail(conn, self.position, block_ms=1000)
                backoff = 0.5
            except UNAVAILABLE as exc:
                log.warning("stream tailer: Redis unavailable (%s); retrying in %.1fs", exc, backoff)
                conn = None
                self.socketio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)  # capped: come back quickly once Redis returns
                continue
            if batch:
                self._deliver(batch)

    def _deliver(self, batch):
        """Emit a batch to the live room and buffer it for clients still catching up."""
        with self.lock:
            catching_up = [c for c in self.clients.values() if not c.live]
            for event in batch:
                for client in catching_up:
                    client.buffer.append(event)
                if not ev.is_private(event["type"]):
                    self._emit(event, FEED)
                    self.ctx.metrics.emitted.inc()
                self.position = event["id"]
            self._sessions_ended(batch)
        lag = ev.utc_now() - ev.parse_iso(batch[-1]["ts"])
        self.ctx.metrics.tailer_lag.set(max(lag.total_seconds(), 0.0))

    def _sessions_ended(self, batch):
        """Drop sockets of users signed out, disabled or reset (in every process)."""
        for event in batch:
            kind, data = event["type"], event["data"]
            if kind not in (ev.USER_SIGNED_OUT, ev.USER_DISABLED, ev.USER_PASSWORD_RESET):
                continue
            if kind == ev.USER_SIGNED_OUT:
                self.ctx.accounts.forget(tag=data.get("session"))
            else:
                self.ctx.accounts.forget(username=data.get("username"))
            for client in list(self.clients.values()):
                if client.username != data.get("username"):
                    continue
                if kind == ev.USER_SIGNED_OUT and client.session != data.get("session"):
                    continue
                self.clients.pop(client.sid, None)
                self.socketio.start_background_task(self._drop, client.sid)

    def _drop(self, sid):
        """Disconnect one socket (outside the delivery lock)."""
        self.socketio.server.disconnect(sid, namespace=NAMESPACE)
        self.ctx.metrics.live_clients.set(len(self.clients))

    def _heartbeat(self):
        """Tell live clients the feed is alive, with the current cursor."""
        while self.running:
            self.socketio.sleep(self.ctx.settings.heartbeat_seconds)
            with self.lock:
                beat = {"cursor": self.position, "server_time": ev.iso(ev.utc_now())}
                self.socketio.emit("heartbeat", beat, to=FEED, namespace=NAMESPACE)
