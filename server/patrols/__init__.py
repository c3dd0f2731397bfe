"""Patrol check-ins at entrances and checkpoints, and the overdue timer."""
import bisect
import datetime as dt

from server import events as ev
from server.concept import AlertCause, Concept, EventType, Section, feed_and_actor, feed_and_guards
from server.patrols import fold, service
from server.patrols.models import CheckinData, CheckinMinute, OverdueData, PatrolRow
from server.phase import NAME as PHASE, current as current_phase

NAME = fold.NAME


HOUR = ("type", fold.CHECKIN, dt.timedelta(hours=1))


def patrol_rows(ctx, reads, keys=None):
    """Return one row per checkpoint (or per checkpoint in keys): last check-in, interval, due time, overdue."""
    phase, since = current_phase(ctx, reads.projections[PHASE])
    rows = fold.status_rows(ctx.venue, phase, since, reads.projections[NAME], reads.now, only=keys)
    return {row["checkpoint_id"]: row for row in rows}


def checkin_minutes(ctx, reads):
    """Return the check-ins of the last hour per minute they were recorded in (the wall's rate).

    The ids are in stream order: each minute's count is two bisections, not a walk over the hour.
    """
    ids = reads.recent.get(HOUR[:2], ())
    out, start = {}, 0
    while start < len(ids):
        minute_ms = ev.id_ms(ids[start]) // 60000 * 60000
        end = bisect.bisect_left(ids, minute_ms + 60000, lo=start, key=ev.id_ms)
        minute = ev.ms_to_iso(minute_ms)
        out[minute] = {"minute": minute, "count": end - start}
        start = end
    return out


CONCEPT = Concept(
    name="patrols",
    doc=__doc__,
    events=(
        EventType(fold.CHECKIN, CheckinData, "A guard checked in at a checkpoint (clear or issue).",
                  audience=feed_and_actor,
                  audience_doc="display, operator, commander, admin; and the guard who checked in"),
        EventType(fold.OVERDUE, OverdueData, "A checkpoint's patrol window passed without a check-in.",
                  audience=feed_and_guards, audience_doc="every role (guards go to the gate)"),
    ),
    folds=(fold,),
    views="server.patrols.views:bp",
    permissions={"checkin.create": ("guard",), "patrols.read": ("guard", "display")},
    timers=(service.check_overdue,),
    alert_causes=(AlertCause("patrol_overdue", NAME, "checkpoint_id", fold.checked_in_since),),
    sections=(Section("patrols", PatrolRow, patrol_rows, "one row per checkpoint, keyed by its id",
                      reads=(NAME, PHASE), timed=True, rows_for=patrol_rows),
              Section("checkins", CheckinMinute, checkin_minutes, "check-ins of the last hour per minute "
                      "recorded, keyed by the minute (the wall sums those of the last 60 minutes)", recent=(HOUR,),
                      timed=True)),
)
