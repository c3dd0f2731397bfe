"""The state at a past moment (DESIGN §1.2, §5: `GET /api/v1/state?at=`): replay of the wall.

The same folds and the same sections as the live state (server/snapshot.py), computed at a
cursor instead of at the stream's end: the folds' state there (server/checkpoints.py: a
checkpoint plus the events since), `now` set to that moment — so overdue patrols, the guards
active "in the last 15 minutes" and today's readiness are as they were then — and each timeline
index window ending at the cursor. Rows and events are shaped by the one shaping function.
Personal data is read as it is now: what was purged since stays erased in the past too.
"""
import datetime as dt

from server import checkpoints, snapshot
from server import events as ev
from server.errors import Text, check
from server.store.checkpoints import Checkpoints
from server.visibility import Viewer


def moment(ctx, at, now=None):
    """Return (cursor, time) that `at` names: a stream id (that event's time) or an ISO time.

    A time picks the last event at or before it; neither may lie in the future.
    """
    now = now or ev.utc_now()
    last = ctx.store.last_id()
    if ev.valid_id(at):
        if ev.id_key(at) > ev.id_key(last):
            check({"at": Text("is after the newest event", "晚于最新的事件")})
        return at, dt.datetime.fromtimestamp(ev.id_ms(at) / 1000, dt.timezone.utc)
    try:
        when = ev.parse_iso(at)
    except ValueError:
        check({"at": Text("give an ISO time with a zone (2026-05-01T10:42:00+08:00) or a cursor",
                          "请填写带时区的 ISO 时间（如 2026-05-01T10:42:00+08:00）或游标")})
    if when > now:
        check({"at": Text("is in the future", "不能晚于现在")})
    return Checkpoints(ctx.store).last_id_at(int(when.timestamp() * 1000)), when


def reads_at(ctx, cursor, when):
    """Return the sections' inputs at cursor, as of time `when`."""
    _, windows = snapshot.reads_needed(ctx.registry)
    cps = Checkpoints(ctx.store)
    recent = {(kind, value): cps.index_between(kind, value, int((when - span).timestamp() * 1000), cursor)
              for kind, value, span in windows}
    return snapshot.Reads(projections=checkpoints.state_at(ctx, cursor), now=when, recent=recent)


def state_at(ctx, user, at):
    """Return the viewer's sections as they were at `at` (the /api/v1/state answer, and `replay: true`)."""
    viewer = Viewer(user.role, user.username)
    cursor, when = moment(ctx, at)
    reads = reads_at(ctx, cursor, when)  # its folding runs off the request loop (checkpoints._fold)
    sections = snapshot.for_viewer(ctx.registry, snapshot.rows_of(ctx, reads), viewer)
    last = Checkpoints(ctx.store).events_upto(cursor, snapshot.RECENT_EVENTS) if cursor != "0-0" else []
    recent = snapshot.visible(ctx, list(reversed(last)), viewer)
    return {"cursor": cursor, "server_time": ev.iso(when), "sections": sections, "recent_events": recent,
            "people": snapshot.people(ctx, {"s": sections, "e": recent}, viewer), "replay": True}
