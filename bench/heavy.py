"""Heavy requests against a live wall (DESIGN §1.11, §6): does the request loop keep its turn?

One Gatewatch (its own redis-server, heartbeats every HEARTBEAT s) is probed at rest, then
while four 6,300 × 6,300 PNG photos (39.7 MP, ~150 KB each: tiny to send, ~120 MB each to
decode) and one 5,000-row expected list are sent at the same moment. Two probes run
throughout: `/healthz` every 20 ms on a keep-alive connection (its answer time, counted from
when each request was due), and a display's /live socket (how much later than due each
heartbeat came).
"""
import datetime as dt
import http.client
import io
import pathlib
import threading
import time
import uuid

import socketio

import harness
from harness import say
from probes import NAMESPACE, percentile
from report import absolute_row, info_row, ms

EDGE = 6300
PHOTOS = 4
ROWS = 5000
HEARTBEAT = 0.1  # s; fine enough that a stall of a fraction of a second shows
REST_SECONDS = 3.0
PROBE_EVERY = 0.02  # s between /healthz requests
TARGET_MS = 200.0


def huge_png():
    """Return a 6,300 × 6,300 PNG of one colour."""
    from PIL import Image  # noqa: PLC0415 - only this phase needs Pillow

    out = io.BytesIO()
    Image.new("RGB", (EDGE, EDGE), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def with_check(first17):
    """Return 17 digits followed by their GB 11643 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def expected_csv(rows=ROWS):
    """Return an expected list of `rows` distinct, valid resident IDs for tomorrow."""
    day = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    lines = ["name,id_type,id_number,organization,host,date,plate"]
    for i in range(rows):
        number = with_check(f"1101051980{1 + i // 1000:02d}01{i % 1000:03d}")
        lines.append(f"访客{i},resident_id,{number},市政府办公厅,李主任,{day},")
    return ("\n".join(lines) + "\n").encode()


class Probes:
    """/healthz answer times and heartbeat arrivals, with when each was taken."""

    def __init__(self, base_url, token):
        self.base_url, self.health, self.beats = base_url, [], []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._health, daemon=True)
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("heartbeat", lambda _beat: self.beats.append(time.monotonic()), namespace=NAMESPACE)
        self.sio.connect(base_url, namespaces=[NAMESPACE], transports=["websocket"], auth={"token": token},
                         wait_timeout=15)
        self.thread.start()

    def _health(self):
        """GET /healthz every PROBE_EVERY s until stopped; note (when due, seconds until answered).

        A request that waits out a stall holds up the ones due after it; each of those is counted
        as waiting until that answer came (as a client polling on a timer sees it), so a stall of
        seconds weighs in the p99 by its length, not as one slow sample.
        """
        host, port = self.base_url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        while not self.stop.is_set():
            sent = time.monotonic()
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            answered = time.monotonic()
            due = sent
            while due < answered:
                self.health.append((due, answered - due))
                due += PROBE_EVERY
            time.sleep(max(0.0, due - time.monotonic()))
        conn.close()

    def close(self):
        """Stop probing."""
        self.stop.set()
        self.thread.join(60)
        self.sio.disconnect()

    def window(self, start, end):
        """Return (/healthz times, heartbeat lateness) of the probes taken in [start, end]."""
        times = [took for sent, took in self.health if start <= sent < end]
        beats = [t for t in self.beats if start <= t <= end]
        late = [b - a - HEARTBEAT for a, b in zip(beats, beats[1:])]
        return times, late


def send_all(base_url, token, png, csv):
    """Send the photos and the list at the same moment; return their statuses."""
    statuses = []
    auth = {"Authorization": f"Bearer {token}"}

    def post(path, body, content_type):
        host, port = base_url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=300)
        conn.request("POST", path, body=body, headers={**auth, "Content-Type": content_type,
                                                       "Idempotency-Key": uuid.uuid4().hex})
        statuses.append(conn.getresponse().status)
        conn.close()
    boundary = uuid.uuid4().hex
    form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + png + f"\r\n--{boundary}--\r\n".encode()
    jobs = [("/api/v1/photos", form, f"multipart/form-data; boundary={boundary}")] * PHOTOS
    jobs.append(("/api/v1/visitors/expected/import", csv, "text/csv"))
    threads = [threading.Thread(target=post, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return statuses


def peak_rss_mb(proc):
    """Return the process's peak resident memory so far in MB (Linux), or None."""
    try:
        for line in pathlib.Path(f"/proc/{proc.popen.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def measure(workdir, redis_binary, async_mode=None):
    """Probe one Gatewatch at rest and under the heavy requests; return rows."""
    work = pathlib.Path(workdir) / "heavy"
    work.mkdir(exist_ok=True)
    png, csv = huge_png(), expected_csv()
    redis_proc, url = harness.start_redis(work, "redis-heavy", redis_binary)
    procs = [redis_proc]
    try:
        app, base, tokens = harness.start_gatewatch(work, "gatewatch-heavy", url, async_mode,
                                                    {"GATEWATCH_HEARTBEAT_SECONDS": str(HEARTBEAT)})
        procs.append(app)
        probes = Probes(base, tokens["display"])
        try:
            time.sleep(0.5 + REST_SECONDS)  # settle after connecting, then the at-rest sample
            rest_rss, start = peak_rss_mb(app), time.monotonic()
            statuses = send_all(base, tokens["admin"], png, csv)
            end = time.monotonic()
        finally:
            probes.close()
        return rows(probes.window(start - REST_SECONDS, start), probes.window(start, end), statuses,
                    end - start, rest_rss, peak_rss_mb(app))
    finally:
        for proc in reversed(procs):
            proc.stop()


def rows(rest, heavy, statuses, seconds, rest_rss, peak_rss):
    """Turn the probes' samples into table rows (at rest as information, under load judged)."""
    load = f"{PHOTOS} × {EDGE}² PNG + {ROWS:,}-row list"
    (rest_health, rest_late), (heavy_health, heavy_late) = rest, heavy
    say(f"  heavy requests answered {statuses} in {seconds:.1f} s")
    return [
        info_row("/healthz p99, at rest", "ms", None, ms(percentile(rest_health, 99)), show_ratio=False),
        absolute_row(f"/healthz p99, {load}", "ms", None, ms(percentile(heavy_health, 99)), "lt", TARGET_MS,
                     show_ratio=False),
        info_row("/healthz slowest answer, same load", "ms", None, ms(max(heavy_health, default=float("nan"))),
                 show_ratio=False),
        info_row(f"heartbeat late by, largest, at rest (every {HEARTBEAT * 1000:.0f} ms)", "ms", None,
                 ms(max(rest_late, default=float("nan"))), show_ratio=False),
        absolute_row("heartbeat late by, largest, same load", "ms", None,
                     ms(max(heavy_late, default=float("nan"))), "lt", TARGET_MS, show_ratio=False),
        absolute_row("heavy requests answered 2xx", "n", None, sum(200 <= s < 300 for s in statuses), "eq",
                     PHOTOS + 1, show_ratio=False),
        info_row("heavy requests, all answered after", "s", None, seconds, show_ratio=False),
        info_row("app peak memory, at rest", "MB", None, rest_rss, show_ratio=False),
        info_row("app peak memory, after the heavy requests", "MB", None, peak_rss, show_ratio=False),
    ]
