"""Per-process delivery: one stream tailer, and each /live client's cursor and audience.

Every event reaches a client exactly once and in stream order: a new client first catches
up from its cursor with XRANGE up to the tailer's position, while the tailer buffers what
it reads for that client; the switch to the live rooms happens under the same lock the
tailer holds while emitting, so nothing falls between the two (DESIGN §9.6).

Each batch the tailer reads goes out as one `events` frame per audience: per role and per user
named by an event (or reading only their own rows), each computed and encoded once for its room:
`{events, patches, cursor}` — the viewer's shaped envelopes for the feed, the changes to the
viewer's sections those events caused (server/screens.py), and the last stream id it covers.
A client that resumed gets, when it goes live, a frame whose `reset` holds all its sections.
"""
import logging
import threading
import time
from dataclasses import dataclass, field

from server import events as ev
from server.concept import ALL_ROLES
from server.screens import Screens
from server.store import UNAVAILABLE
from server.store.accounts import session_tag
from server.visibility import Viewer

log = logging.getLogger("gatewatch.live")
NAMESPACE = "/live"
LIVE = "live"  # every caught-up client: heartbeats
CATCH_UP_BATCH = 500
TAIL_BLOCK_MS = 1000
# The store counts as reachable while the tailer's last successful read is this recent.
STORE_FRESH_SECONDS = 3.0


def role_room(role):
    """Return the room of caught-up clients of one role."""
    return f"live:role:{role}"


def user_room(username):
    """Return the room of one user's caught-up clients."""
    return f"live:user:{username}"


@dataclass
class Client:
    """One connected socket's delivery state."""

    sid: str
    username: str
    role: str
    session: str | None
    cursor: str
    live: bool = False
    buffer: list = field(default_factory=list)


class Hub:
    """The tailer and the clients of this process."""

    def __init__(self, ctx, socketio):
        self.ctx, self.socketio = ctx, socketio
        self.registry = ctx.registry
        self.screens = Screens(ctx)
        # Roles that read only their own rows of some section get a frame per user.
        self.own_rows = frozenset(ALL_ROLES - {r for r in ALL_ROLES
                                               if all(r in s.all_rows for s in self.screens.sections)})
        self.clients = {}
        self.lock = threading.Lock()
        self.position = None
        self.read_at = None  # monotonic time of the tailer's last successful read
        self.running = False

    # -- clients -------------------------------------------------------------------------
    def connect(self, sid, user, since):
        """Register a client; start its catch-up (call last in the connect handler)."""
        cursor = since or self.ctx.store.last_id()
        client = Client(sid=sid, username=user.username, role=user.role, cursor=cursor,
                        session=session_tag(user.session_id) if user.session_id else None)
        with self.lock:
            self.clients[sid] = client
        self.ctx.metrics.live_clients.set(len(self.clients))
        self.socketio.start_background_task(self._catch_up, client)

    def disconnect(self, sid):
        """Forget a client."""
        with self.lock:
            self.clients.pop(sid, None)
        self.ctx.metrics.live_clients.set(len(self.clients))

    def frame_for(self, events, role, username, envelopes=None):
        """Return the envelopes of events one viewer receives, shaped for that viewer."""
        return self.registry.visible(events, role, username, self.ctx.venue.id, envelopes)

    def _send(self, frame, to, skip=None):
        """Emit one `events` frame ({events, patches, cursor}) to a sid or room."""
        self.socketio.emit("events", frame, to=to, skip_sid=skip or None, namespace=NAMESPACE)

    def _frame(self, events, cursor, patches=None):
        """Return a frame, or None when it carries nothing for its viewer."""
        if not events and not patches:
            return None
        return {"events": events, "patches": patches or {}, "cursor": cursor}

    def _catch_up(self, client):
        """Replay events after the client's cursor in frames, then switch it to live delivery."""
        sent = 0
        try:
            while client.sid in self.clients:
                position = self._wait_position(client)
                if position is None:
                    return
                batch = self._backlog(client.cursor, position)
                events = self.frame_for(batch, client.role, client.username)
                if events:
                    self._send(self._frame(events, batch[-1]["id"]), client.sid)
                    sent += len(events)
                if batch:
                    client.cursor = batch[-1]["id"]
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
        """Flush the buffer and join the live rooms, atomically with respect to the tailer.

        The buffer holds every event the tailer read since this client registered, and the
        backlog covered everything up to a position at or after that moment: together they
        leave no gap, and the cursor filter leaves no duplicate.
        """
        with self.lock:
            if client.sid not in self.clients:
                return True
            fresh = [e for e in client.buffer if ev.id_key(e["id"]) > ev.id_key(client.cursor)]
            if fresh:
                client.cursor = fresh[-1]["id"]
            # The backlog's events carried no patches: the sections as they are now replace the
            # client's, at the position the tailer has delivered (= the client's cursor now).
            viewer = Viewer(client.role, client.username)
            self._send({"events": self.frame_for(fresh, client.role, client.username), "patches": {},
                        "reset": self.screens.shaped(viewer), "cursor": self.position}, client.sid)
            client.cursor = self.position
            client.buffer, client.live = None, True
            for room in (LIVE, role_room(client.role), user_room(client.username)):
                self.socketio.server.enter_room(client.sid, room, namespace=NAMESPACE)
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
        """Read the stream with XREAD BLOCK and deliver each batch once, in order."""
        conn, backoff = None, 0.5
        while self.running:
            try:
                if conn is None:
                    conn = self.ctx.store.tailer()
                if self.position is None:
                    self.position = self.screens.load()
                batch = self.ctx.store.tail(conn, self.position, block_ms=TAIL_BLOCK_MS,
                                            count=CATCH_UP_BATCH)
                self.read_at = time.monotonic()
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
        """Emit a batch once per audience and buffer it for clients still catching up."""
        with self.lock:
            for client in self.clients.values():
                if not client.live:
                    client.buffer.extend(batch)
            self._fan_out(batch)
            self.position = batch[-1]["id"]
            self.ctx.metrics.emitted.inc(len(batch))
            self._sessions_ended(batch)
        lag = ev.utc_now() - ev.parse_iso(batch[-1]["ts"])
        self.ctx.metrics.tailer_lag.set(max(lag.total_seconds(), 0.0))

    def _fan_out(self, batch):
        """Send each role room its frame, and each user an event names a frame of their own."""
        try:
            changed = self.screens.advance(batch)
        except Exception:  # a fold bug must not stop the feed: events still flow, sections reload
            log.exception("folding a batch for the live sections failed; reloading them")
            changed = {}
            self.screens.load()
        named = set()
        for event in batch:
            audience = self.registry.audience(event)
            if audience:
                named |= audience.users
        live = [c for c in self.clients.values() if c.live]
        own = {c.username for c in live if c.role in self.own_rows}
        envelopes = {}  # built once per batch, shared by every audience's frame
        cursor = batch[-1]["id"]
        for role in {c.role for c in live}:
            # A named user gets one frame of their own below, so skip them here.
            skip = [c.sid for c in live if c.role == role and (c.username in named or c.username in own)]
            if len(skip) == sum(1 for c in live if c.role == role):
                continue
            events = self.frame_for(batch, role, None, envelopes)
            frame = self._frame(events, cursor, self.screens.patches(changed, Viewer(role)))
            if frame:
                self._send(frame, role_room(role), skip)
        for username, role in {(c.username, c.role) for c in live if c.username in named | own}:
            events = self.frame_for(batch, role, username, envelopes)
            frame = self._frame(events, cursor, self.screens.patches(changed, Viewer(role, username)))
            if frame:
                self._send(frame, user_room(username))

    def _sessions_ended(self, batch):
        """Drop sockets of sessions an event ends (sign-out, disable, reset), in every process."""
        for event in batch:
            for username, tag in self.registry.sessions_ended(self.ctx, event):
                for client in list(self.clients.values()):
                    if client.username == username and (tag is None or client.session == tag):
                        self.clients.pop(client.sid, None)
                        self.socketio.start_background_task(self._drop, client.sid)

    def _drop(self, sid):
        """Disconnect one socket (outside the delivery lock)."""
        self.socketio.server.disconnect(sid, namespace=NAMESPACE)
        self.ctx.metrics.live_clients.set(len(self.clients))

    def store_reachable(self):
        """Tell whether the tailer read the stream successfully within the last few seconds."""
        return self.read_at is not None and time.monotonic() - self.read_at < STORE_FRESH_SECONDS

    def _heartbeat(self):
        """Tell live clients the cursor and whether the store is reachable (a stale feed shows)."""
        while self.running:
            self.socketio.sleep(self.ctx.settings.heartbeat_seconds)
            with self.lock:
                beat = {"cursor": self.position, "server_time": ev.iso(ev.utc_now()),
                        "store": "ok" if self.store_reachable() else "unreachable"}
                self.socketio.emit("heartbeat", beat, to=LIVE, namespace=NAMESPACE)
