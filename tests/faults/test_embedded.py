"""`gatewatch serve` with the embedded Redis: shared with the CLI, supervised, stopped cleanly."""
import os
import signal
import subprocess
import sys
import time

import requests

from support import ROOT, VENUE, free_port


def start_serve(data_dir, port):
    """Start `gatewatch serve` with no GATEWATCH_REDIS_URL (the embedded server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWATCH_")}
    env.update(GATEWATCH_DATA_DIR=str(data_dir), GATEWATCH_VENUE=str(VENUE))
    log = open(data_dir / "serve.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, env


def wait_ready(url, process, timeout=20.0):
    """Wait until /readyz answers 200; return the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert process.poll() is None, "server exited early"
        try:
            if requests.get(url + "/readyz", timeout=1).status_code == 200:
                return time.monotonic() - started
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise AssertionError("not ready")


def cli(env, *args):
    """Run a gatewatch subcommand against the same data dir."""
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_embedded_server_is_shared_supervised_and_stopped(tmp_path):
    """First start prints the admin password; the CLI shares the Redis; SIGTERM stops both."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process, env = start_serve(tmp_path, port)
    try:
        wait_ready(url, process)
        banner = (tmp_path / "serve.log").read_text()
        assert "created user 'admin' with password" in banner and f"http://127.0.0.1:{port}/" in banner
        assert (tmp_path / "redis" / "appendonlydir").exists() or (tmp_path / "redis" / "appendonly.aof").exists()

        # The CLI reaches the same embedded Redis (and does not stop it when done).
        added = cli(env, "users", "add", "g1", "--role", "guard", "--password", "correct-horse-1")
        assert added.returncode == 0, added.stderr
        assert "g1" in cli(env, "users", "list").stdout
        assert requests.post(url + "/api/v1/auth/login", timeout=5,
                             json={"username": "g1", "password": "correct-horse-1"}).status_code == 200

        # If the embedded Redis dies, the server starts it again and nothing is lost.
        pid = int((tmp_path / "redis" / "redis.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.3)
        wait_ready(url, process)
        assert requests.post(url + "/api/v1/auth/login", timeout=5,
                             json={"username": "g1", "password": "correct-horse-1"}).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    # SIGTERM stopped the server and the Redis it started.
    assert not (tmp_path / "redis" / "redis.sock").exists() or cli(env, "users", "list").returncode == 0
    remaining = subprocess.run(["pgrep", "-f", str(tmp_path / "redis")], capture_output=True, text=True)
    assert remaining.stdout.strip() == ""
