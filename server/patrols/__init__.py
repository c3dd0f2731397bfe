"""Patrol check-ins at entrances and checkpoints, and the overdue timer."""
import datetime as dt

from pydantic import Field

from server.concept import Concept, EventType, feed_and_actor, feed_and_guards
from server.patrols import fold, service
from server.patrols.models import CheckinData, CheckinMark, OverdueData, PatrolRow

NAME = fold.NAME


def snapshot(ctx, reads, state):
    """Return the patrol rows and the check-ins of the last hour (for the wall's counters)."""
    rows = fold.status_rows(ctx.venue, state["phase"], state["phase_since"],
                            reads.projections[NAME], reads.now)
    hour = [{"id": i, "ts": reads.time_of(i)} for i in reads.indexes[("type", fold.CHECKIN)]]
    return {"patrols": rows, "checkins_last_hour": hour}


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
    snapshot=snapshot,
    reads=(NAME,),
    sections={"patrols": (list[PatrolRow], Field(description="one row per checkpoint")),
              "checkins_last_hour": (list[CheckinMark], Field(description="for the rate counters"))},
    indexes=(("type", fold.CHECKIN, dt.timedelta(hours=1)),),
)
