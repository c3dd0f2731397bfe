"""The subcommands behind `gatewatch` (imported after monkey-patching)."""
import datetime as dt
import gc
import getpass
import json
import logging
import os
import signal
import sys
from zoneinfo import ZoneInfo

from server import events as ev
from server import checkpoints, cli_presence, offload, phase, sealing
from server.app import build_context, create_app
from server.archive import cli as archive_cli, service as archive
from server.audit import service as audit
from server.auth import users
from server.config import ConfigError, load_settings
from server.errors import GatewatchError
from server.expected.purge import purge_expected
from server.reports import cache as report_cache, scheduled as report_days
from server.store import REDIS_ERROR, UNAVAILABLE
from server.store.embedded import EmbeddedRedis, StartCancelled
from server.venue import VenueError
from server.visitors import service as visitors
from server.watchlist import names

log = logging.getLogger("gatewatch")
GC_THRESHOLDS = (20_000, 50, 100)  # young, middle, old: Python's defaults are (700, 10, 10)
CLI_ACTOR = {"username": "cli", "role": "admin"}
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
WARM_UP_AFTER_SECONDS = 5.0


def _context(settings=None, embedded=None):
    """Load settings and connect, turning venue errors into one-line ConfigErrors."""
    try:
        return build_context(settings or load_settings(), embedded)
    except VenueError as exc:
        raise ConfigError(str(exc)) from None


def _closing(fn):
    """Run a command with a context and stop an embedded Redis it started."""
    def wrapped(args):
        ctx = _context()
        try:
            return fn(ctx, args)
        except GatewatchError as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            print(f"gatewatch: {exc.message}" + (f" ({detail})" if detail else ""), file=sys.stderr)
            return 1
        except UNAVAILABLE as exc:
            print(f"gatewatch: Redis is unreachable ({exc})", file=sys.stderr)
            return 3
        except REDIS_ERROR as exc:
            print(f"gatewatch: Redis refused: {exc} (data from an older version? try `gatewatch rebuild`)",
                  file=sys.stderr)
            return 3
        finally:
            if ctx.embedded:
                ctx.embedded.stop()
    return wrapped


def cmd_check_config(args):
    """Validate settings and the venue file."""
    settings = load_settings()
    try:
        from server.venue import load_venue
        venue = load_venue(settings.venue_path)
    except VenueError as exc:
        raise ConfigError(str(exc)) from None
    interior = [c for c in venue.checkpoints if c.kind != "entrance"]
    print(f"{settings.venue_path}: OK — venue {venue.id!r}, {len(venue.entrances)} entrances, "
          f"{len(interior)} interior checkpoints, {len(venue.zones)} zones, "
          f"{len(venue.incident_categories)} incident categories, {len(venue.checklists)} checklists")
    return 0


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

    ctx = _context(settings, stops.embedded)
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


@_closing
def cmd_users(ctx, args):
    """Manage users: add, list, disable, enable, passwd, token."""
    if args.action == "list":
        for rec in ctx.accounts.list_users():
            user = users.public(rec)
            state = "disabled" if user["disabled"] else "active"
            print(f"{user['username']:<20} {user['role']:<10} {state:<9} {user['display_name']}")
        return 0
    if not args.username:
        raise ConfigError(f"users {args.action}: USERNAME is required")
    if args.action == "add":
        users.add_user(ctx, actor=CLI_ACTOR, username=args.username, role=args.role,
                       password=args.password or _ask_password(), display_name=args.display_name)
        print(f"created {args.role} {args.username}")
    elif args.action in ("disable", "enable"):
        users.set_disabled(ctx, actor=CLI_ACTOR, username=args.username,
                           disabled=args.action == "disable")
        print(f"{args.action}d {args.username}")
    elif args.action == "passwd":
        users.reset_password(ctx, actor=CLI_ACTOR, username=args.username,
                             password=args.password or _ask_password())
        print(f"password set for {args.username}")
    elif args.action == "token":
        if not ctx.accounts.get_user(args.username):
            raise ConfigError(f"users token: no user {args.username!r}")
        print(f"device token for {args.username} (shown once):", file=sys.stderr)
        print(audit.issue_token(ctx, actor=CLI_ACTOR, username=args.username, name=args.name or "device"))
    return 0


def _ask_password():
    """Prompt twice for a password."""
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise ConfigError("passwords do not match")
    return first


@_closing
def cmd_rebuild(ctx, args):
    """Recompute projections and indexes from the stream; report differences."""
    folds = ctx.registry.folds
    # Compared opened: a sealed entry is sealed again with a new nonce, so its text differs.
    _, before = ctx.store.snapshot([f.NAME for f in folds])
    events, state = archive.fold_stream(ctx)
    differing = sorted(name for name in state if _dumped(ctx, state[name]) != _dumped(ctx, before.get(name, {})))
    print(f"folded {len(events)} events; projections differing before rebuild: "
          f"{', '.join(differing) or 'none'}")
    if args.check:
        return 1 if differing else 0
    archive.write_rebuilt(ctx, events, state)
    print(f"projections, timeline indexes and {checkpoints.rebuild(ctx, events)} fold checkpoints rebuilt")
    days = report_days.precompute(ctx, ev.utc_now(), budget=report_cache.DAYS_BACK)
    print(f"report figures of {len(days)} finished day(s) kept{': ' + ', '.join(days) if days else ''}")
    return 0


def _dumped(ctx, values):
    """Return a projection's entries as the text a commit writes, to compare them."""
    return {k: ctx.store.dumps(v) for k, v in values.items()}


def _horizon(ctx, before):
    """Return the purge horizon: --before (a date in the venue's zone, or an ISO time), else retention."""
    if not before:
        return ev.utc_now() - dt.timedelta(days=ctx.settings.retention_days)
    try:
        if len(before) == 10:
            day = dt.date.fromisoformat(before)
            return dt.datetime.combine(day, dt.time(), ZoneInfo(ctx.venue.timezone))
        moment = dt.datetime.fromisoformat(before.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


@_closing
def cmd_purge(ctx, args):
    """Erase name, phone, plate and sealed ID of visitors who left before the retention horizon."""
    before = _horizon(ctx, args.before)
    if before is None:
        print(f"gatewatch: --before {args.before!r}: give a date (2026-05-01, venue time) or an ISO time "
              "with a zone", file=sys.stderr)
        return 2
    count = visitors.purge_visitors(ctx, actor=CLI_ACTOR, before=before)
    print(f"purged the personal data of {count} visitor(s) who left before {before.isoformat()}")
    rows = purge_expected(ctx, actor=CLI_ACTOR, before=before)
    print(f"purged {rows} expected-visitor row(s) of the days before it")
    if count or rows:
        sealing.forget_on_disk(ctx)  # the append-only file still held what was erased
    return 0


@_closing
def cmd_visitors(ctx, args):
    """Import an expected-visitor CSV: all rows or none; print the rejected rows and why."""
    from server.expected import service as expected

    try:
        with open(args.file, "rb") as source:
            raw = source.read()
    except OSError as exc:
        print(f"gatewatch: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        done = json.loads(expected.import_expected(ctx, actor=CLI_ACTOR, raw=raw).body_text)
    except GatewatchError as exc:
        for problem in (exc.current or {}).get("rejected", []):
            reason = problem["reason"]
            print(f"line {problem['line']}: {problem['field']}: {reason['en']} / {reason['zh']}", file=sys.stderr)
        print(f"gatewatch: {exc.message} / {exc.message.zh}", file=sys.stderr)
        return 1
    days = ", ".join(f"{day}: {n}" for day, n in done["dates"].items())
    print(f"imported {done['imported']} expected visitor(s) ({days})")
    return 0


COMMANDS = {"serve": cmd_serve, "users": cmd_users, "check-config": cmd_check_config,
            "rebuild": cmd_rebuild, "purge": cmd_purge, "visitors": cmd_visitors, **cli_presence.COMMANDS,
            **archive_cli.COMMANDS}


def add_arguments(sub):
    """Declare the subcommands and their options."""
    serve = sub.add_parser("serve", help="serve the web app and the live feed")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--tls", action="store_true", help="serve HTTPS (certificate of `gatewatch tls init`, "
                       "or GATEWATCH_TLS_CERT / GATEWATCH_TLS_KEY)")
    u = sub.add_parser("users", help="manage users and device tokens")
    u.add_argument("action", choices=["add", "list", "disable", "enable", "passwd", "token"])
    u.add_argument("username", nargs="?")
    u.add_argument("--role", default="guard", choices=["guard", "operator", "commander", "admin", "display"])
    u.add_argument("--password")
    u.add_argument("--display-name")
    u.add_argument("--name", help="token name (e.g. the device)")
    sub.add_parser("check-config", help="validate settings and the venue file")
    r = sub.add_parser("rebuild", help="recompute projections from the stream")
    r.add_argument("--check", action="store_true", help="only report differences; exit 1 if any")
    p = sub.add_parser("purge", help="erase visitors' personal data past retention (GATEWATCH_RETENTION_DAYS)")
    p.add_argument("--before", help="instead: visitors who left before this date (venue time) or ISO time")
    v = sub.add_parser("visitors", help="import an expected-visitor list (CSV; all rows or none)")
    v.add_argument("action", choices=["import"])
    v.add_argument("file", help="CSV: name,id_type,id_number,organization,host,date,plate")
    cli_presence.add_arguments(sub)
    archive_cli.add_arguments(sub)
