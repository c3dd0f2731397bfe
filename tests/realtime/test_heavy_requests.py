"""Heavy requests never stall the live feed (DESIGN §1.11): a wall keeps its heartbeats and
/healthz keeps answering while a huge photo is decoded and a full expected list is imported."""
import io
import threading
import time
import uuid

import pytest
import requests
from PIL import Image

from helpers import Listener
from support import LiveServer
from unit_ids import with_check

EDGE = 6300  # 39.7 MP: under the 40 MP limit, so it is decoded in full; a flat PNG is ~150 KB
ROWS = 5000  # the most an expected list may hold
BEAT = 0.25  # heartbeat interval of the server under test, seconds
# Before the fix one such photo stalled the loop ~3 s and the import ~7 s; a 1 s bound leaves room
# for a loaded 2-core CI machine without letting a real stall through.
LONGEST_GAP = 1.0


@pytest.fixture(scope="module")
def huge_png():
    """Return a 6,300 × 6,300 PNG of one colour (small to send, large to decode)."""
    out = io.BytesIO()
    Image.new("RGB", (EDGE, EDGE), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def expected_csv(day, rows=ROWS):
    """Return an expected list of `rows` valid, distinct resident IDs for `day`."""
    lines = ["name,id_type,id_number,organization,host,date,plate"]
    for i in range(rows):
        number = with_check(f"1101051980{1 + i // 1000:02d}01{i % 1000:03d}")  # born 1980-0M-01
        lines.append(f"访客{i},resident_id,{number},市政府办公厅,李主任,{day},")
    return ("\n".join(lines) + "\n").encode()


class HealthProbe:
    """GET /healthz back to back on one connection, noting when each answer came."""

    def __init__(self, url):
        self.url, self.answers, self.failures = url + "/healthz", [], 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        """Probe until told to stop."""
        with requests.Session() as http:
            while not self.stop.is_set():
                try:
                    ok = http.get(self.url, timeout=30).status_code == 200
                except requests.RequestException:
                    ok = False
                self.answers.append(time.monotonic()) if ok else None
                self.failures += not ok
                time.sleep(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(35)


def longest_gap(times, start, end):
    """Return the longest time in [start, end] without an entry of `times`."""
    marks = [start] + [t for t in times if start < t < end] + [end]
    return max(b - a for a, b in zip(marks, marks[1:]))


def send_heavy(server, token, png, csv):
    """Upload the photo and import the list at the same time; return their statuses."""
    headers = {"Authorization": f"Bearer {token}"}
    statuses = {}

    def upload():
        statuses["photo"] = requests.post(server.url + "/api/v1/photos", files={"file": ("huge.png", png, "image/png")},
                                          headers={**headers, "Idempotency-Key": uuid.uuid4().hex}, timeout=120).status_code

    def import_list():
        statuses["list"] = requests.post(server.url + "/api/v1/visitors/expected/import", data=csv,
                                         headers={**headers, "Content-Type": "text/csv",
                                                  "Idempotency-Key": uuid.uuid4().hex}, timeout=120).status_code
    workers = [threading.Thread(target=upload), threading.Thread(target=import_list)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(130)
    return statuses


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_a_huge_photo_and_a_full_list_do_not_stall_the_wall(live_redis, tmp_path, huge_png, mode):
    """While both run, the wall's heartbeats and /healthz never pause longer than a second."""
    from server.expected import rows
    server = LiveServer(live_redis, tmp_path, env={"GATEWATCH_ASYNC_MODE": mode,
                                                   "GATEWATCH_HEARTBEAT_SECONDS": str(BEAT)}).start()
    try:
        server.add_user("desk9", "operator")
        server.add_user("wall9", "display")
        token, csv = server.token("desk9"), expected_csv(rows.today(server.ctx))
        wall = Listener(server.url, server.token("wall9")).connect()
        assert wall.wait_for(lambda s: len(s.beat_times) >= 2, timeout=5)
        with HealthProbe(server.url) as probe:
            start = time.monotonic()
            statuses = send_heavy(server, token, huge_png, csv)
            end = time.monotonic()
        wall.close()
        assert statuses == {"photo": 201, "list": 201}
        assert probe.failures == 0
        gaps = {"healthz": longest_gap(probe.answers, start, end),
                "heartbeat": longest_gap(wall.beat_times, start, end)}
        assert max(gaps.values()) < LONGEST_GAP, f"the loop stalled ({mode}, {end - start:.1f} s): {gaps}"
    finally:
        server.stop()
