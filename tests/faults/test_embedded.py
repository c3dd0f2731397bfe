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


def test_the_data_folder_and_the_append_only_file_are_readable_by_their_owner_only(tmp_path):
    """Visitors' data lives in the AOF: no other account on the machine may read it."""
    from server.config import ensure_data_dir
    from server.store.embedded import EmbeddedRedis
    from support import settings_for
    data = tmp_path / "data"
    ensure_data_dir(settings_for("unix:///nowhere", data))
    embedded = EmbeddedRedis(data)
    embedded.start()
    try:
        import redis
        client = redis.Redis(unix_socket_path=str(embedded.socket))
        client.set("k", "张三丰")
        client.close()
        paths = [data, *data.rglob("*")]
        assert any("aof" in p.name for p in paths)
        for path in paths:
            if path.is_socket():
                continue
            mode = path.stat().st_mode & 0o777
            assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
    finally:
        embedded.stop()
