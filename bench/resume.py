"""Resume: a display reconnects with its cursor after many events were committed while it was away."""
import threading
import time

import redis

import filler
import wsclient
from harness import HarnessError, STREAM_KEY, say
from probes import NAMESPACE, Poster
from report import absolute_row, info_row, ms

DELIVERY_TIMEOUT = 60.0


class Recorder:
    """A lean /live client (wsclient.py) keeping every event id in arrival order.

    A lean client, so the time measured is the server's: python-socketio's client spends
    ~100-300 µs of CPU per message, which alone would be 1-3 s for 10,000 events.
    """

    def __init__(self, base_url, auth):
        self.ids, self.times = [], []
        self.cond = threading.Condition()
        self.conn = wsclient.LiveConnection(base_url, auth, self._on_event, NAMESPACE)
        self.reader = wsclient.Reader(self.cond)

    def _on_event(self, event_id, arrived):
        """Append the event's id and note when it came (the reader holds the condition's lock)."""
        self.ids.append(event_id)
        self.times.append(arrived)
        self.cond.notify_all()

    def connect(self):
        """Connect over websocket and start reading."""
        self.conn.connect()
        self.reader.start()
        self.reader.add(self.conn)

    def disconnect(self):
        """Stop reading and close the connection."""
        self.reader.stop()
        self.conn.close()

    def wait_count(self, count, timeout):
        """Wait until count events have arrived; return the time the count-th came, or None."""
        with self.cond:
            if self.cond.wait_for(lambda: len(self.ids) >= count, timeout):
                return self.times[count - 1] if count else time.monotonic()
            return None

    def wait_for(self, event_id, timeout):
        """Wait until event_id has arrived; return True if it did."""
        with self.cond:
            return self.cond.wait_for(lambda: event_id in self.ids, timeout)


def expected_ids(client, cursor):
    """Return the ids a display should get after cursor: every event but the private user.* ones."""
    ids, low = [], f"({cursor}"
    while True:
        chunk = client.xrange(STREAM_KEY, min=low, max="+", count=5000)
        if not chunk:
            return ids
        ids.extend(i for i, f in chunk if not f.get("t", "").startswith("user."))
        low = f"({chunk[-1][0]}"


def away_cursor(target):
    """Connect a display, receive one check-in, disconnect; return the id it last saw."""
    away = Recorder(target.base_url, {"token": target.display_token})
    away.connect()
    poster = Poster(target.base_url, target.guard_auth, target.checkpoints)
    try:
        _status, event_id = poster.checkin()
        if not event_id or not away.wait_for(event_id, 10):
            raise HarnessError("the display never received the check-in before going away")
    finally:
        poster.close()
        away.disconnect()
    return event_id


def measure(target, workdir, count):
    """Time a reconnect with {token, since} after `count` missed check-ins; return rows."""
    cursor = away_cursor(target)
    say(f"  display away at {cursor}; committing {count:,} check-ins through record_checkin")
    done = filler.launch(workdir, target.redis_url, count, procs=2, threads=4, label="resume-fill")
    if done["committed"] != count:
        raise HarnessError(f"only {done['committed']} of {count} check-ins were committed ({done['errors']} errors)")
    client = redis.Redis.from_url(target.redis_url, decode_responses=True)
    try:
        wanted = expected_ids(client, cursor)
    finally:
        client.close()
    back = Recorder(target.base_url, {"token": target.display_token, "since": cursor})
    started = time.monotonic()
    back.connect()
    connected = time.monotonic()
    finished = back.wait_count(len(wanted), DELIVERY_TIMEOUT)
    time.sleep(0.5)  # anything arriving just after the last one (a duplicate) still counts
    back.disconnect()
    got = back.ids[:len(wanted)]
    gaps = len(set(wanted) - set(back.ids))
    dups = len(back.ids) - len(set(back.ids))
    order = sum(1 for a, b in zip(got, wanted, strict=False) if a != b)
    seconds = finished - started if finished is not None else float("nan")
    complete = finished is not None and got == wanted and not dups
    say(f"  resumed {len(back.ids):,} events of {len(wanted):,} in {seconds:.2f} s "
        f"(connect {connected - started:.2f} s); gaps {gaps}, duplicates {dups}, misplaced {order}")
    row = absolute_row(f"resume after {count:,} missed events, all in order", "s", None, seconds, "lt", 3.0,
                       show_ratio=False)
    row["pass"] = bool(row["pass"] and complete)
    return [
        row,
        info_row("  resume: events missing / duplicated / misplaced", "n", None, gaps + dups + order,
                 show_ratio=False),
        info_row("  resume: connect handshake", "ms", None, ms(connected - started), show_ratio=False),
    ]
