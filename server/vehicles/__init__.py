"""Vehicles at the gates: every vehicle in and out, on site per entrance, passes checked."""
from pydantic import Field

from server.concept import Concept, EventType, Personal, feed_and_actor
from server.vehicles import fold
from server.visitors import fold as visitors_fold
from server.vehicles.models import EnteredData, LeftData, Vehicle, VehicleCounts

NAME = fold.NAME
# A visitor's vehicle: its plate is sealed under the visitor's data key (server/sealing.py), so
# the purge unpairs them in the stream too; a vehicle without a visitor names nobody.
VISITOR_PLATE = Personal(subject=lambda data: data.get("visitor_id"), record=visitors_fold.record,
                         fields=("plate",))


def snapshot(ctx, reads, state):
    """Return the vehicles on site and their counts per entrance and in total."""
    entries = reads.projections[NAME]
    return {"vehicles": fold.listed(entries, on_site=True), "vehicles_on_site": fold.counts(entries)}


CONCEPT = Concept(
    name="vehicles",
    doc=__doc__,
    events=(
        EventType(fold.ENTERED, EnteredData, "A vehicle came in through a gate.", audience=feed_and_actor,
                  audience_doc="display, operator, commander, admin; and the guard who logged it",
                  personal=VISITOR_PLATE),
        EventType(fold.LEFT, LeftData, "A vehicle went out through a gate.", audience=feed_and_actor,
                  audience_doc="display, operator, commander, admin; and the guard who logged it",
                  personal=VISITOR_PLATE),
    ),
    folds=(fold,),
    views="server.vehicles.views:bp",
    permissions={"vehicles.log": ("guard",), "vehicles.read": ("guard", "display")},
    snapshot=snapshot,
    reads=(NAME,),
    sections={"vehicles": (list[Vehicle], Field(description="vehicles on site, latest entry first")),
              "vehicles_on_site": (VehicleCounts, Field(description="vehicles on site per entrance and in total"))},
)
