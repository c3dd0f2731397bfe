"""`gatewatch export | import | audit verify`: archives and the audit chain from the command line."""
import datetime as dt
import sys
import time
from zoneinfo import ZoneInfo

from server.archive import service
from server.audit import service as audit

CLI_ACTOR = {"username": "cli", "role": "admin"}


def _closing(fn):
    """Run a command with a context (the shared wrapper of server/cli_commands.py)."""
    def wrapped(args):
        from server import cli_commands  # it imports this module to register the commands
        return cli_commands._closing(fn)(args)
    return wrapped


def _moment_ms(ctx, text, end=False):
    """Return epoch ms of a date (venue time; --to a date means its end) or an ISO time; None if bad."""
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text) + dt.timedelta(days=1 if end else 0)
            moment = dt.datetime.combine(day, dt.time(), ZoneInfo(ctx.venue.timezone))
            return int(moment.timestamp() * 1000) - (1 if end else 0)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int(moment.timestamp() * 1000) if moment.tzinfo else None


@_closing
def cmd_export(ctx, args):
    """Write the venue's events, records and audit chain to a JSON Lines archive (audited)."""
    bounds = []
    for option, text, end in (("--from", args.from_, False), ("--to", args.to, True)):
        ms = _moment_ms(ctx, text, end) if text else None
        if text and ms is None:
            print(f"gatewatch: {option} {text!r}: give a date (2026-05-01, venue time) or an ISO time with a zone",
                  file=sys.stderr)
            return 2
        bounds.append(ms)
    started = time.perf_counter()
    try:
        with open(args.out, "wb", buffering=1 << 20) as out:
            counts = service.export(ctx, out, actor=CLI_ACTOR, from_ms=bounds[0], to_ms=bounds[1], name=args.out)
    except OSError as exc:
        print(f"gatewatch: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    took = time.perf_counter() - started
    rate = counts["events"] / took if took else 0
    print(f"exported {counts['events']} events, {counts['records']} records and {counts['audit']} audit "
          f"entries to {args.out} in {took:.2f} s ({rate:,.0f} events/s)")
    return 0


@_closing
def cmd_import(ctx, args):
    """Read an archive into an empty store, rebuilding projections and indexes."""
    try:
        with open(args.file, "rb") as source:
            counts = service.import_archive(ctx, source, actor=CLI_ACTOR)
    except OSError as exc:
        print(f"gatewatch: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"imported {counts['events']} events, {counts['records']} records and {counts['audit']} audit "
          "entries; projections and timeline indexes rebuilt")
    return 0


@_closing
def cmd_audit(ctx, args):
    """Verify the audit chain: every entry's hash, its link to the one before, and the head."""
    count, broken = audit.verify(ctx)
    if broken:
        print(f"audit chain BROKEN after {count} good entries: first broken link is {broken}")
        return 1
    head = audit.chain_head(ctx)
    print(f"audit chain intact: {count} entries; head #{head['seq']} {head['hash']}")
    return 0


COMMANDS = {"export": cmd_export, "import": cmd_import, "audit": cmd_audit}


def add_arguments(sub):
    """Declare the export, import and audit subcommands."""
    e = sub.add_parser("export", help="write events, records and the audit chain to a JSON Lines archive")
    e.add_argument("--out", required=True, help="the archive file to write")
    e.add_argument("--from", dest="from_", help="events from this date (venue time) or ISO time")
    e.add_argument("--to", help="events up to this date (inclusive, venue time) or ISO time")
    i = sub.add_parser("import", help="read an archive into an empty store")
    i.add_argument("file", help="an archive written by `gatewatch export`")
    a = sub.add_parser("audit", help="verify the hash-chained audit log")
    a.add_argument("action", choices=["verify"])
