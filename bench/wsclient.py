"""A lean Socket.IO /live client: many connections read by one selector thread, per process.

python-socketio's client costs ~270-370 µs of CPU per received message here with 50 per process
(a read thread per connection, pure-Python UTF-8 validation in websocket-client, GIL hand-offs):
200 clients at 100 events/s would need several cores and the benchmark would measure itself.
This client speaks just enough Engine.IO 4 / Socket.IO 5 over a websocket (handshake, namespace
connect with auth, ping/pong, event frames; no fragmented messages, which eventlet never sends)
and reads every socket of the process from one thread, frames in wire order: ~40-55 µs per
message, so 50 clients at 100 events/s take under a fifth of a core.
"""
import base64
import json
import os
import selectors
import socket
import struct
import threading
import time
import urllib.parse

CONNECT_TIMEOUT = 15.0


class Refused(Exception):
    """The server did not accept the websocket or the namespace connection."""


def frame(payload, opcode=1):
    """Return one masked client frame (text by default)."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def parse_frames(buf):
    """Split complete server frames off buf; return ([(opcode, payload)], rest)."""
    out, pos, end = [], 0, len(buf)
    while end - pos >= 2:
        b0, b1 = buf[pos], buf[pos + 1]
        size, head = b1 & 0x7F, 2
        if size == 126:
            if end - pos < 4:
                break
            size, head = struct.unpack_from("!H", buf, pos + 2)[0], 4
        elif size == 127:
            if end - pos < 10:
                break
            size, head = struct.unpack_from("!Q", buf, pos + 2)[0], 10
        if b1 & 0x80:  # a masked server frame is a protocol error; skip the key
            head += 4
        if end - pos < head + size:
            break
        out.append((b0 & 0x0F, bytes(buf[pos + head:pos + head + size])))
        pos += head + size
    return out, buf[pos:]


class LiveConnection:
    """One websocket connection to /live; on_event(event_id, arrived) is called in wire order."""

    def __init__(self, base_url, auth, on_event, namespace="/live", on_bytes=None):
        self.url = urllib.parse.urlsplit(base_url)
        self.auth = auth
        self.on_event = on_event
        self.on_bytes = on_bytes  # on_bytes(n): the size of each event frame's payload
        self.ns = namespace.encode()
        self.event_prefix = b"42" + self.ns + b","
        self.sock = None
        self.buf = b""
        self.pending = []  # frames read during the handshake, after the namespace answer
        self.closed = False

    def connect(self):
        """Open the websocket, read the Engine.IO open packet and join the namespace."""
        sock = socket.create_connection((self.url.hostname, self.url.port), timeout=CONNECT_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        host = f"{self.url.hostname}:{self.url.port}"
        sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\n"
                      f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                raise Refused("connection closed during the websocket handshake")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise Refused(head.split(b"\r\n", 1)[0].decode(errors="replace"))
        self.sock = sock
        self._expect(b"0")  # Engine.IO open
        auth = json.dumps(self.auth).encode() if self.auth else b""
        sock.sendall(frame(b"40" + self.ns + b"," + auth))
        answer = self._expect(b"4")
        if not answer.startswith(b"40" + self.ns):
            raise Refused(answer.decode(errors="replace"))
        sock.setblocking(False)

    def _expect(self, prefix):
        """Block until a text packet starting with prefix arrives (answering pings); return it."""
        while True:
            frames, self.buf = parse_frames(self.buf)
            for n, (opcode, payload) in enumerate(frames):
                if opcode == 1 and payload == b"2":
                    self.sock.sendall(frame(b"3"))
                elif opcode == 1 and payload.startswith(prefix):
                    self.pending = frames[n + 1:]
                    return payload
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Refused("connection closed before the namespace answered")
            self.buf += chunk

    def readable(self):
        """Read what the socket has and dispatch every complete frame; return False once closed."""
        try:
            chunk = self.sock.recv(262144)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        arrived = time.monotonic()
        self.flush_pending(arrived)
        frames, self.buf = parse_frames(self.buf + chunk if self.buf else chunk)
        for opcode, payload in frames:
            self.dispatch(opcode, payload, arrived)
        return not self.closed

    def flush_pending(self, arrived):
        """Dispatch frames that came in with the handshake."""
        frames, self.pending = self.pending, []
        for opcode, payload in frames:
            self.dispatch(opcode, payload, arrived)

    def dispatch(self, opcode, payload, arrived):
        """Handle one frame: events to on_event, pings answered, closes noted."""
        if opcode == 1:
            if payload.startswith(self.event_prefix):
                if self.on_bytes:
                    self.on_bytes(len(payload))
                name, *args = json.loads(payload[len(self.event_prefix):])
                if name == "event" and args and isinstance(args[0], dict):
                    self.on_event(args[0].get("id"), arrived)  # the bare app: one event per frame
                elif name == "events" and args and isinstance(args[0], dict):
                    for event in args[0].get("events", ()):  # Gatewatch: a batch per frame, in order
                        self.on_event(event.get("id"), arrived)
            elif payload == b"2":
                self.send(frame(b"3"))
            elif payload.startswith(b"41") or payload.startswith(b"1"):
                self.closed = True
        elif opcode == 9:
            self.send(frame(payload, opcode=10))
        elif opcode == 8:
            self.closed = True

    def send(self, data):
        """Send a small frame from the reader thread (blocking briefly if the buffer is full)."""
        self.sock.setblocking(True)
        try:
            self.sock.sendall(data)
        finally:
            self.sock.setblocking(False)

    def close(self):
        """Leave the namespace and close the socket."""
        if self.sock is None:
            return
        try:
            self.send(frame(b"41" + self.ns + b","))
            self.sock.close()
        except OSError:
            pass
        self.closed = True


class Reader:
    """One thread reading every connection of this process, frames in arrival order per socket."""

    def __init__(self, lock):
        self.lock = lock
        self.selector = selectors.DefaultSelector()
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def add(self, conn):
        """Watch a connected LiveConnection."""
        self.selector.register(conn.sock, selectors.EVENT_READ, conn)
        with self.lock:
            conn.flush_pending(time.monotonic())

    def start(self):
        """Start reading."""
        self.thread.start()

    def _loop(self):
        """Dispatch readable sockets under the shared lock until stopped."""
        while self.running:
            ready = self.selector.select(timeout=0.2)
            with self.lock:
                for key, _mask in ready:
                    if not key.data.readable():
                        self.selector.unregister(key.fileobj)

    def stop(self):
        """Stop the thread."""
        self.running = False
        self.thread.join(2)
