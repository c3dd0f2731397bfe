"""The subcommands behind `gatewatch` (imported after monkey-patching)."""
import datetime as dt
import getpass
import json
import logging
import sys
from zoneinfo import ZoneInfo

from server import events as ev
from server import checkpoints, cli_presence, sealing
from server.archive import cli as archive_cli, service as archive
from server.audit import service as audit
from server.auth import users
from server.config import ConfigError, load_settings
from server.errors import GatewatchError
from server.expected.purge import purge_expected
from server.reports import cache as report_cache, scheduled as report_days
from server.serve import cmd_serve, open_context
from server.store import REDIS_ERROR, UNAVAILABLE
from server.venue import VenueError
from server.visitors import service as visitors

log = logging.getLogger("gatewatch")
CLI_ACTOR = {"username": "cli", "role": "admin"}


def _closing(fn):
    """Run a command with a context and stop an embedded Redis it started."""
    def wrapped(args):
        ctx = open_context()
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
