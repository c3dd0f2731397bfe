"""Clearance after each meeting: every zone swept and confirmed, the venue cleared once per round."""
from pydantic import Field

from server.clearance import fold, service
from server.clearance.models import CompletedData, Round, ZoneConfirmedData
from server.concept import Concept, EventType, feed_and_guards

NAME = fold.NAME


def snapshot(ctx, reads, state):
    """Return the clearance board (every zone; empty states before the first round)."""
    return {"clearance": service.board(ctx, reads.projections[NAME].get("round"))}


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
    snapshot=snapshot,
    reads=(NAME,),
    sections={"clearance": (Round, Field(description="the clearance round: each zone's state, who cleared "
                                                     "it and when, and venue_cleared"))},
)
