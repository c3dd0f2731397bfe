"""The `gatewatch` command: serve | users | check-config | rebuild | demo | purge | visitors | checkpoints | tls | export | import | audit."""
# Monkey-patching must come before Flask, redis or logging are imported (DESIGN §9.1).
import os
import sys


def _early_setting(name):
    """Return a setting from the environment or ./.env, read before anything is imported ("" if unset)."""
    value = os.environ.get(name, "")
    if not value and os.path.isfile(".env"):
        for line in open(".env", encoding="utf-8"):
            if line.strip().startswith(name + "="):
                value = line.split("=", 1)[1].strip().strip("'\"")
    return value


_early_redis = None
_early_signals = []  # stop signals that came before serve's own handlers (StopSignals reads them)
if len(sys.argv) > 1 and sys.argv[1] == "serve":
    import signal

    # From here on a stop signal is only noted, never a KeyboardInterrupt that an import could
    # swallow half-way (or a death that leaves the Redis launched below to its parent-death signal).
    for _signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(_signum, lambda signum, frame: _early_signals.append(signum))
    if not _early_setting("GATEWATCH_REDIS_URL"):
        # Redis loads its append-only file while Python imports (standard library only here).
        from server import redis_launch

        _early_redis = redis_launch.launch_early(_early_setting("GATEWATCH_DATA_DIR") or "var")
    _mode = _early_setting("GATEWATCH_ASYNC_MODE")
    if _mode in ("", "eventlet"):
        import warnings

        # eventlet warns it is in maintenance mode; DESIGN §1.7 documents gevent as the exit.
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        if not _early_setting("GATEWATCH_REDIS_URL"):
            # The embedded Redis is a unix socket: serve resolves no host name, and eventlet's
            # green resolver (dnspython) took ~0.2 s of every start to import.
            os.environ.setdefault("EVENTLET_NO_GREENDNS", "yes")
        import eventlet

        eventlet.monkey_patch()
    elif _mode == "gevent":
        from gevent import monkey

        monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402

from server.cli_commands import COMMANDS, add_arguments  # noqa: E402
from server.config import ConfigError  # noqa: E402


def _server_options():
    """Return options for eventlet's WSGI server; only this entry point touches eventlet."""
    if "eventlet" not in sys.modules or not getattr(sys.modules["eventlet"], "patcher", None):
        return {}
    import socket

    from eventlet import wsgi

    class NoDelayProtocol(wsgi.HttpProtocol):
        """Send answers at once: eventlet writes headers and a large body in two sends, and
        Nagle would hold the body ~40 ms for the client's delayed ACK on kept-alive sockets."""

        def setup(self):
            super().setup()
            try:
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass  # not TCP (a unix socket): nothing to do

    return {"protocol": NoDelayProtocol}


def _run_in_thread():
    """Return how to run a call in an OS thread without stalling the loop (server/offload.py), or None.

    Only this entry point may import eventlet or gevent (DESIGN §1.7), so it hands the way over.
    """
    eventlet_patcher, gevent_monkey = sys.modules.get("eventlet.patcher"), sys.modules.get("gevent.monkey")
    if eventlet_patcher and eventlet_patcher.is_monkey_patched("thread"):
        from eventlet import tpool

        return tpool.execute
    if gevent_monkey and gevent_monkey.is_module_patched("threading"):
        import gevent

        return lambda fn, *args, **kwargs: gevent.get_hub().threadpool.apply(fn, args, kwargs)
    return None  # threading: every request already has its own thread


def main(argv=None):
    """Run a gatewatch subcommand; bad settings end with one clear line and exit status 2."""
    parser = argparse.ArgumentParser(prog="gatewatch", description="Gatewatch security operations")
    sub = parser.add_subparsers(dest="command", required=True)
    add_arguments(sub)
    args = parser.parse_args(argv)
    if args.command == "serve":
        args.early_redis = _early_redis
        args.early_signals = _early_signals
        args.server_options = _server_options()
        args.run_in_thread = _run_in_thread()
    logging.basicConfig(level=os.environ.get("GATEWATCH_LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args) or 0
    except ConfigError as exc:
        print(f"gatewatch: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def run():
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
