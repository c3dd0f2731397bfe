"""Where expected-visitor rows live and how a registration finds its row (records, not events).

Rows are personal data: they are written by the import's commit as records beside the event
(which carries counts only), the ID number sealed like a visitor's. Imports nothing from the
visitors package, so `register_visitor` can use it.
"""
import json
from zoneinfo import ZoneInfo

from server import events as ev

INDEX = "expected_bi"  # key part of a row's blind index: (INDEX, date, blind) -> {"row": id}


def today(ctx):
    """Return today's date in the venue's time zone (an expected list is per local day)."""
    return ev.utc_now().astimezone(ZoneInfo(ctx.venue.timezone)).date().isoformat()


def day_key(ctx, date):
    """Key of the hash of one day's expected rows: row id -> the row (masked ID)."""
    return ctx.store.keys.of("expected_day", date)


def sealed_key(ctx, expected_id):
    """Key of the hash holding one row's sealed ID number, blind index and row."""
    return ctx.store.keys.of("expected_id", expected_id)


def index_key(ctx, date, blind):
    """Key of the record naming the row of one document on one day (the blind index)."""
    return ctx.store.keys.of(INDEX, date, blind)


def row_of(ctx, blind, date=None):
    """Return the expected row of a document (by blind index) on a day (today), or None."""
    date = date or today(ctx)
    expected_id = ctx.store.read_record(index_key(ctx, date, blind)).get("row")
    if not expected_id:
        return None
    raw = ctx.store.read_record(sealed_key(ctx, expected_id)).get("row")
    return json.loads(raw) if raw else None


def arrival_of(ctx, blind):
    """Return the id of today's expected row of a document being registered, or None."""
    row = row_of(ctx, blind)
    return row["expected_id"] if row else None


def day_rows(ctx, date):
    """Return one day's expected rows, in file order."""
    rows = [json.loads(v) for v in ctx.store.read_record(day_key(ctx, date)).values()]
    return sorted(rows, key=lambda r: (r.get("imported_at", ""), r.get("line", 0)))
