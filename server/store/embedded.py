"""The embedded Redis: a real redis-server under the data dir, shared by `serve` and the CLI."""
import fcntl
import os
import pathlib
import subprocess
import threading

import redis

from server.config import ConfigError, private
from server.redis_launch import find_redis_server, launch  # noqa: F401 (find_redis_server: re-exported)


def _wait(seconds):
    """Pause without time.sleep (green under eventlet/gevent once patched)."""
    threading.Event().wait(seconds)


class StartCancelled(Exception):
    """A stop was asked for while the embedded server was starting."""


class EmbeddedRedis:
    """Start, find and stop the redis-server that lives in the data dir."""

    def __init__(self, data_dir, early=None):
        """Describe the server of a data dir; `early`: one the entry point launched already (adopted)."""
        self.dir = pathlib.Path(data_dir).resolve() / "redis"
        self.socket = self.dir / "redis.sock"
        self.process = None
        self.stopping = False
        if early and early.dir == self.dir:
            self.process = early.process
        elif early:  # launched for another folder than the settings name: not ours to use
            early.process.terminate()

    @property
    def url(self):
        """Return the unix-socket URL of the embedded server."""
        return f"unix://{self.socket}"

    def alive(self):
        """Tell whether a server answers on the socket."""
        if not self.socket.exists():
            return False
        try:
            client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)
            client.ping()
            client.close()
            return True
        except redis.BusyLoadingError:
            return True  # there, still loading its data
        except redis.RedisError:
            return False

    def start(self, timeout=10.0):
        """Start the server unless one already runs; return True when this call started it."""
        try:
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            private(self.dir.parent)
        except OSError as exc:
            raise ConfigError(f"GATEWATCH_DATA_DIR: cannot create {self.dir}: {exc.strerror}") from None
        if len(str(self.socket)) > 100:
            raise ConfigError(f"GATEWATCH_DATA_DIR={self.dir.parent}: path too long for a unix socket")
        with open(self.dir / "start.lock", "w", opener=lambda path, flags: os.open(path, flags, 0o600)) as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two commands starting at once share one server
            if self.stopping:
                raise StartCancelled("stopped before the embedded redis-server started")
            launched = self.process is not None and self.process.poll() is None  # launched early
            if not launched and self.alive():
                return False
            try:
                if not launched:
                    self._spawn()
                self._wait_ready(timeout)
            except BaseException:  # a failed or interrupted start leaves no server behind
                self._shutdown()
                raise
            return True

    def _spawn(self):
        """Launch redis-server with AOF fsync-always, listening on the unix socket only."""
        self.process = launch(self.dir, self.socket)

    def _wait_ready(self, timeout):
        """Wait until the server answers and has finished loading its AOF.

        `timeout` bounds the wait for a first answer; loading a large AOF may take longer and
        is waited for as long as the server is alive and says it is loading.
        """
        waited, pause = 0.0, 0.005  # it answers within ~10-30 ms: look often at first, then less
        while waited < timeout:
            if self.stopping:
                raise StartCancelled("stopped while the embedded redis-server was starting")
            if self.process and self.process.poll() is not None:
                log = (self.dir / "redis.log")
                tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
                raise ConfigError(f"embedded redis-server exited: {' '.join(tail) or 'see ' + str(log)}")
            if self.alive():
                if self._loaded():
                    return
                waited = 0.0  # loading and alive: keep waiting
            _wait(pause)
            waited += pause
            pause = min(pause * 2, 0.05)
        raise ConfigError(f"embedded redis-server did not start within {timeout:.0f}s (see {self.dir}/redis.log)")

    def _loaded(self):
        """Tell whether the server finished loading its data."""
        client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)
        try:
            return client.info("persistence").get("loading", 0) == 0
        except redis.BusyLoadingError:
            return False
        finally:
            client.close()

    def restart(self):
        """Start the server again after it died (its AOF brings every acknowledged fact back)."""
        self.process = None
        self.start()

    def stop(self):
        """Shut down the server if this object started it, and keep it down."""
        self.stopping = True  # tell the supervisor (and a start under way) not to bring it back
        self._shutdown()

    def _shutdown(self):
        """Shut down the server this object started, if it runs."""
        process, self.process = self.process, None
        if not process or process.poll() is not None:
            return
        # SIGTERM is redis-server's own clean shutdown, and works before its socket exists
        # (a start interrupted half-way), where a SHUTDOWN command could not be sent.
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
