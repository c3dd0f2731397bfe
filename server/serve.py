"""`gatewatch serve`: start, bootstrap, serve HTTP and Socket.IO, and stop cleanly on a signal."""
import gc
import logging
import os
import signal

from server import cli_presence, offload, phase
from server.app import build_context, create_app
from server.auth import users
from server.config import ConfigError, load_settings
from server.store import UNAVAILABLE
from server.store.embedded import EmbeddedRedis, StartCancelled
from server.venue import VenueError
from server.watchlist import names

log = logging.getLogger("gatewatch")
GC_THRESHOLDS = (20_000, 50, 100)  # young, middle, old: Python's defaults are (700, 10, 10)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
WARM_UP_AFTER_SECONDS = 5.0


def open_context(settings=None, embedded=None):
    """Load settings and connect, turning venue errors into one-line ConfigErrors."""
    try:
        return build_context(settings or load_settings(), embedded)
    except VenueError as exc:
        raise ConfigError(str(exc)) from None


def _bootstrap(ctx, sleep, retry=True):
    """Create the first admin and open the venue's phase; return False if Redis is away.

    With retry, keep trying (capped backoff) until Redis answers; meanwhile the server runs
    and answers /readyz and writes with 503.
    """
    delay = 0.5
    while True:
        try:
            password = users.ensure_first_admin(ctx)
            phase.ensure_phase(ctx)
        except UNAVAILABLE as exc:
            if not retry:
                return False
            log.warning("waiting for Redis (%s); retrying in %.1fs", exc, delay)
            sleep(delay)
            delay = min(delay * 2, 5.0)
            continue
        if password:
            print(f"\n  First start: created user 'admin' with password: {password}\n"
                  "  (shown once — sign in and change it on /admin)\n", flush=True)
        return True


def _supervise_redis(ctx):
    """Start the embedded redis-server again if it goes away; its AOF brings every fact back.

    It may be ours or one another command started (and has since stopped): either way this
    server needs one.
    """
    while not ctx.embedded.stopping:
        ctx.runner.sleep(1.0)
        if ctx.embedded.stopping or ctx.embedded.alive():
            continue
        log.error("embedded redis-server is gone; starting it again")
        try:
            ctx.embedded.restart()
        except (ConfigError, StartCancelled) as exc:
            log.error("could not restart embedded redis-server: %s", exc)


class StopSignals:
    """SIGTERM, SIGINT and SIGHUP stop serve, from before Redis starts to the end.

    A handler must not raise (under eventlet it may run in any green thread, the hub's too):
    during start-up it only takes note and tells a starting embedded Redis to give up; once
    serving, it shuts down from a task of its own and exits.
    """

    def __init__(self, embedded, noted=()):
        """Take over the stop signals; `noted`: those that came before (the entry point's list)."""
        self.embedded, self.signum = embedded, None
        self.runner = self.shutdown = None
        self.exiting = False
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._noted)
        if noted:  # read after taking over: none can fall between the two
            self._noted(noted[-1], None)

    def _noted(self, signum, frame):
        """Remember the signal; act on it at once if serving."""
        self.signum = signum
        if self.embedded:
            self.embedded.stopping = True
        if self.shutdown:
            self.runner.start(self.exit, signum)

    def check(self):
        """Raise StartCancelled if a stop signal came during start-up."""
        if self.signum is not None:
            raise StartCancelled(f"signal {self.signum} during start-up")

    def serving(self, runner, shutdown):
        """From now on, shut down and exit on a stop signal (or now, if one just came)."""
        self.runner, self.shutdown = runner, shutdown
        if self.signum is not None:
            self.exit(self.signum)

    def exit(self, signum):
        """Shut down once and leave: every 2xx is already durable."""
        if self.exiting:
            return
        self.exiting = True
        try:
            self.shutdown()
        finally:
            log.info("stopped (signal %s)", signum)
            logging.shutdown()
            os._exit(0)


def _start(settings, stops, run_in_thread=None):
    """Connect, build the app and bootstrap, giving up at once on a stop signal."""
    from server.watch import Watcher

    ctx = open_context(settings, stops.embedded)
    stops.check()
    app = create_app(ctx=ctx)
    ctx.runner.thread = run_in_thread  # heavy work off the loop (server/offload.py)
    watcher = Watcher(ctx)
    stops.check()
    if not _bootstrap(ctx, ctx.runner.sleep, retry=False):
        log.warning("Redis is unreachable; serving anyway (readiness and writes answer 503)")
        ctx.runner.start(_bootstrap, ctx, ctx.runner.sleep)
    stops.check()
    return ctx, app, watcher


def _warm_up(ctx):
    """Load what start-up left for later (pypinyin), off the loop, after the tailer's first read."""
    ctx.runner.sleep(WARM_UP_AFTER_SECONDS)
    try:
        offload.run_heavy(ctx, names.warm, kind="warm-up")
    except Exception:  # the first request that needs it loads it instead
        log.exception("warm-up failed")


def _shutdown(ctx, app, watcher):
    """Hand the watch lease over, stop the hub, and (whatever fails before) the embedded Redis."""
    try:
        watcher.stop()
        app.extensions["gatewatch_hub"].stop()
    finally:
        if ctx.embedded:
            ctx.embedded.stop()


def _tune_gc():
    """Leave start-up's objects out of the collector's walks and collect young objects less often.

    A wall's state or a replay builds ~100,000 containers: with Python's default thresholds each
    answer paid one or two full collections over everything the process holds (70–100 ms at a
    million events). Cycles are still collected, only in larger steps.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def cmd_serve(args):
    """Serve HTTP and Socket.IO until a stop signal; the embedded Redis stops with it, always."""
    from server import realtime

    settings = load_settings()
    early = getattr(args, "early_redis", None)
    embedded = None if settings.redis_url else EmbeddedRedis(settings.data_dir, early=early)
    stops = StopSignals(embedded, getattr(args, "early_signals", ()))  # none can leave Redis running
    try:
        ctx, app, watcher = _start(settings, stops, getattr(args, "run_in_thread", None))
    except BaseException as exc:
        if embedded:
            embedded.stop()
        if isinstance(exc, StartCancelled):
            log.info("stopped during start-up (signal %s)", stops.signum)
            return 0
        raise
    stops.serving(ctx.runner, lambda: _shutdown(ctx, app, watcher))
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    where = f"embedded in {ctx.embedded.dir}" if ctx.embedded else "at GATEWATCH_REDIS_URL"
    tls = cli_presence.serving_tls(ctx.settings) if getattr(args, "tls", False) else None
    print(f"Gatewatch is serving venue {ctx.venue.id!r}: open {'https' if tls else 'http'}://{host}:{args.port}/ "
          f"(async mode {ctx.settings.async_mode}; Redis {where})", flush=True)
    try:
        _tune_gc()
        realtime.start(app)
        watcher.start()
        if ctx.embedded:
            ctx.runner.start(_supervise_redis, ctx)
        ctx.runner.start(_warm_up, ctx)
        realtime.run(app, host=args.host, port=args.port, max_connections=ctx.settings.max_connections,
                     server_options=getattr(args, "server_options", None), tls=tls)
    finally:
        _shutdown(ctx, app, watcher)
    return 0
