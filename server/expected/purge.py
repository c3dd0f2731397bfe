"""Expected lists past retention: erase the rows, sealed ID numbers and indexes of old days."""
import datetime as dt
from zoneinfo import ZoneInfo

from server import events as ev
from server import ledger, sealing
from server.expected import rows
from server.expected.fold import NAME, PURGED, unpurged


def purge_day(ctx, *, actor, day):
    """Erase one day's expected list in one commit; return how many rows it held."""
    listed = ctx.store.read_record(rows.day_key(ctx, day))
    ops = [("DEL", rows.day_key(ctx, day))]
    for expected_id in listed:
        blind = ctx.store.read_record(rows.sealed_key(ctx, expected_id)).get("bi")
        ops.append(("DEL", rows.sealed_key(ctx, expected_id)))
        if blind:
            ops.append(("DEL", rows.index_key(ctx, day, blind)))
    event = ev.draft(PURGED, actor=actor, data={"date": day, "count": len(listed)})
    ledger.record(ctx, [event], ops=ops)
    return len(listed)


def purge_expected(ctx, *, actor, before):
    """Erase the expected lists of days before `before` (venue date); return the rows erased."""
    horizon = before.astimezone(ZoneInfo(ctx.venue.timezone)).date().isoformat()
    days = [day for day in unpurged(ctx.store.projection(NAME)) if day < horizon]
    return sum(purge_day(ctx, actor=actor, day=day) for day in days)


def purge_timer(ctx, now):
    """Purge expected lists older than the retention period (the watcher's timer)."""
    rows = purge_expected(ctx, actor=ev.SYSTEM_ACTOR, before=now - dt.timedelta(days=ctx.settings.retention_days))
    if rows:
        sealing.forget_on_disk(ctx)
    return rows
