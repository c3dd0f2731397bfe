"""Clearance after each meeting: every zone swept and confirmed, the venue cleared once per round."""
from server.clearance import fold, service
from server.clearance.models import CompletedData, Round, ZoneConfirmedData
from server.concept import Concept, EventType, Section, feed_and_guards
from server.identity.records import VISITORS
from server.programme.fold import NAME as PROGRAMME

NAME = fold.NAME


def rows(ctx, reads):
    """Return the clearance board as one row, key `round` (every zone; open before the first round)."""
    left = service.on_roll(reads.projections[VISITORS])
    return {"round": service.board(ctx, reads.projections[NAME].get("round"), visitors_left=left,
                                   edits=reads.projections[PROGRAMME])}


CONCEPT = Concept(
    name="clearance",
    doc=__doc__,
    events=(
        EventType(fold.CONFIRMED, ZoneConfirmedData, "A guard swept a zone after the meeting.",
                  audience=feed_and_guards, audience_doc="every role (guards see which zones are left)"),
        EventType(fold.COMPLETED, CompletedData, "Every zone was cleared: the venue is cleared.",
                  audience=feed_and_guards, audience_doc="every role"),
    ),
    folds=(fold,),
    views="server.clearance.views:bp",
    permissions={"clearance.read": ("guard", "display"), "clearance.confirm": ("guard",)},
    sections=(Section("clearance", Round, rows, "one row, key `round`: each zone's state, who cleared it and "
                      "when, venue_cleared (every zone swept clear), visitors_left (on the roll) and the verdict "
                      "(cleared only when both)", reads=(NAME, VISITORS, PROGRAMME)),),
)
