"""The venue's phase (pre_event, in_session, post_event, closed): what patrol intervals apply."""
from pydantic import Field

from server.concept import Concept, EventType, feed_and_guards
from server.phase import fold
from server.phase.models import ChangedData
from server.phase.service import change_phase, current, ensure_phase

NAME = fold.NAME
__all__ = ["CONCEPT", "NAME", "change_phase", "current", "ensure_phase"]


def snapshot(ctx, reads, state):
    """Return the current phase and since when."""
    phase, since = current(ctx, reads.projections[NAME])
    return {"phase": phase, "phase_since": since}


CONCEPT = Concept(
    name="phase",
    doc=__doc__,
    events=(EventType(fold.CHANGED, ChangedData, "The venue moved into another phase.",
                      audience=feed_and_guards, audience_doc="every role (patrol intervals change)"),),
    folds=(fold,),
    views="server.phase.views:bp",
    permissions={"phase.change": ("commander",)},
    snapshot=snapshot,
    reads=(NAME,),
    sections={"phase": (str, Field(description="the phase in force")),
              "phase_since": (str | None, Field(description="since when (null before the first change)"))},
)
