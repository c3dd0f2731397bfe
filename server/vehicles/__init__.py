"""Vehicles at the gates: every vehicle in and out, on site per entrance, passes checked."""
from server.concept import Concept, EventType, Section, feed_and_actor
from server.vehicles import fold
from server.vehicles.models import EnteredData, GateCount, LeftData, Vehicle

NAME = fold.NAME


def rows(ctx, reads):
    """Return the vehicles on site, keyed by visit (not by the plate, which a display reads masked)."""
    return {v.get("visit_id") or v["entered_at"]: v for v in fold.listed(reads.projections[NAME], on_site=True)}


def gate_rows(ctx, reads):
    """Return how many vehicles on site came in by each entrance."""
    counts = fold.counts(reads.projections[NAME])["by_entrance"]
    return {gate: {"entrance_id": gate, "count": n} for gate, n in counts.items()}


CONCEPT = Concept(
    name="vehicles",
    doc=__doc__,
    events=(
        EventType(fold.ENTERED, EnteredData, "A vehicle came in through a gate.", audience=feed_and_actor,
                  audience_doc="display, operator, commander, admin; and the guard who logged it"),
        EventType(fold.LEFT, LeftData, "A vehicle went out through a gate.", audience=feed_and_actor,
                  audience_doc="display, operator, commander, admin; and the guard who logged it"),
    ),
    folds=(fold,),
    views="server.vehicles.views:bp",
    permissions={"vehicles.log": ("guard",), "vehicles.read": ("guard", "display")},
    sections=(Section("vehicles", Vehicle, rows, "vehicles on site (a display: the plate masked)", reads=(NAME,)),
              Section("vehicles_on_site", GateCount, gate_rows, "vehicles on site per entrance they came in by",
                      reads=(NAME,))),
)
