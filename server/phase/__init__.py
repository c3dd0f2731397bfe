"""The venue's phase (pre_event, in_session, post_event, closed): what patrol intervals apply."""
from server.concept import Concept, EventType, Section, feed_and_guards
from server.phase import fold
from server.phase.models import ChangedData, PhaseRow
from server.phase.service import change_phase, current, ensure_phase

NAME = fold.NAME
__all__ = ["CONCEPT", "NAME", "change_phase", "current", "ensure_phase"]


def rows(ctx, reads):
    """Return the venue's one row: the phase in force and since when."""
    phase, since = current(ctx, reads.projections[NAME])
    return {"venue": {"phase": phase, "since": since}}


CONCEPT = Concept(
    name="phase",
    doc=__doc__,
    events=(EventType(fold.CHANGED, ChangedData, "The venue moved into another phase.",
                      audience=feed_and_guards, audience_doc="every role (patrol intervals change)"),),
    folds=(fold,),
    views="server.phase.views:bp",
    permissions={"phase.change": ("commander",)},
    sections=(Section("phase", PhaseRow, rows, "one row, key `venue`: the phase in force and since when",
                      reads=(NAME,)),),
)
