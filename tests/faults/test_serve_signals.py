"""Stopping `gatewatch serve` in any way, at any moment of a first start, stops its embedded Redis."""
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from support import ROOT, VENUE, free_port

# (signal, sent to the process group or to the process only, when: "spawned" = the moment the
# embedded redis-server appears, a number = that many seconds later, "ready" = /readyz is 200)
CASES = [
    (signal.SIGTERM, "group", "spawned"), (signal.SIGTERM, "group", 0.2), (signal.SIGTERM, "group", "spawned"),
    (signal.SIGTERM, "group", "ready"), (signal.SIGINT, "group", "spawned"), (signal.SIGINT, "group", "ready"),
    (signal.SIGHUP, "group", "spawned"), (signal.SIGHUP, "group", "ready"),
    (signal.SIGTERM, "process", "spawned"), (signal.SIGHUP, "process", 0.2),
]


def redis_pids(data_dir):
    """Return the pids of live (not zombie) redis-servers whose command line names data_dir."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and str(data_dir).encode() in b" ".join(argv) and b"server.cli" not in b" ".join(argv):
            found.append(int(entry))
    return found


def start_serve(data_dir):
    """Start `gatewatch serve` on an empty data dir, in a process group of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWATCH_")}
    env.update(GATEWATCH_DATA_DIR=str(data_dir), GATEWATCH_VENUE=str(VENUE), PYTHONPATH=str(ROOT))
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=open(data_dir / "serve.log", "wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    return process, f"http://127.0.0.1:{port}"


def wait_for_moment(process, url, data_dir, when):
    """Wait until `when` during start-up; return the redis-server pids seen so far."""
    seen, deadline = set(), time.monotonic() + 20
    while not seen and time.monotonic() < deadline and process.poll() is None:
        seen.update(redis_pids(data_dir))
        time.sleep(0.002)
    assert seen, "no embedded redis-server appeared"
    if isinstance(when, float):
        time.sleep(when)
    while when == "ready" and time.monotonic() < deadline:
        try:
            if requests.get(url + "/readyz", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    return seen | set(redis_pids(data_dir))


def alive(pid):
    """Tell whether pid is a live process (a zombie is dead: it only waits to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def survivors(pids, timeout=10.0):
    """Wait until none of pids is alive; return those still alive after timeout."""
    deadline = time.monotonic() + timeout
    left = {pid for pid in pids if alive(pid)}
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = {pid for pid in left if alive(pid)}
    return left


def stop_at(process, url, data_dir, sig, target, when):
    """Signal serve at a moment of its start; assert no redis-server it had outlives it."""
    try:
        pids = wait_for_moment(process, url, data_dir, when)
        if when == "ready":  # the server serves (one launched early was adopted, not orphaned)
            assert requests.get(url + "/readyz", timeout=2).status_code == 200
        if target == "group":
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    left = survivors(pids)
    for pid in left:
        os.kill(pid, signal.SIGKILL)  # leave the machine clean for the next case
    assert not left, f"redis-server {sorted(left)} outlived serve ({sig.name} to the {target}, {when})"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig, target, when", CASES,
                         ids=[f"{s.name}-{t}-{w}" for s, t, w in CASES])
def test_stopping_serve_stops_its_embedded_redis(tmp_path, sig, target, when):
    process, url = start_serve(tmp_path)
    stop_at(process, url, tmp_path, sig, target, when)


AGAIN = [(signal.SIGTERM, "group", "spawned"), (signal.SIGINT, "group", "spawned"), (signal.SIGTERM, "process", 0.2),
         (signal.SIGHUP, "process", "spawned"), (signal.SIGTERM, "group", "ready")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig, target, when", AGAIN, ids=[f"{s.name}-{t}-{w}" for s, t, w in AGAIN])
def test_a_redis_launched_before_the_imports_of_a_second_start_stops_with_serve(tmp_path, sig, target, when):
    # A first start makes the data dir; the second launches Redis first thing (server/redis_launch.py).
    process, url = start_serve(tmp_path)
    try:
        wait_for_moment(process, url, tmp_path, "ready")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert not survivors(redis_pids(tmp_path))
    process, url = start_serve(tmp_path)
    stop_at(process, url, tmp_path, sig, target, when)
