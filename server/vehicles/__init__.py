"""Vehicles at the gates: every vehicle in and out, on site per entrance, passes checked."""
from server.concept import AlertCause, Concept, EventType, Personal, PersonalRows, Section, feed_and_actor
from server.vehicles import causes, fold
from server.vehicles.models import EnteredData, GateCount, LeftData, Vehicle
from server.identity.records import record

NAME = fold.NAME
# A visitor's vehicle: its plate is sealed under the visitor's data key (server/sealing.py), so
# the purge unpairs them in the stream too; a vehicle without a visitor names nobody.
# Its `plate_key` too: a keyed digest, but with the venue's key a plate can be tried against it.
VISITOR_PLATE = Personal(subject=lambda data: data.get("visitor_id"), record=record,
                         fields=("plate", "plate_key"))
# The same plate in the vehicle's entry (keyed by `plate_key`), sealed under the same key. A staff
# or delivery vehicle (no visitor) names no visitor: its plate stays in the clear, as in its events.
ENTRY_PERSONAL = PersonalRows(NAME, subject=lambda entry: entry.get("visitor_id"), record=record,
                              fields=("plate",),
                              shown=lambda entry: bool(entry.get("on_site")))  # a new entry writes it whole


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
                  audience_doc="display, operator, commander, admin; and the guard who logged it",
                  personal=VISITOR_PLATE),
        EventType(fold.LEFT, LeftData, "A vehicle went out through a gate.", audience=feed_and_actor,
                  audience_doc="display, operator, commander, admin; and the guard who logged it",
                  personal=VISITOR_PLATE),
    ),
    folds=(fold,),
    personal_rows=(ENTRY_PERSONAL,),
    views="server.vehicles.views:bp",
    permissions={"vehicles.log": ("guard",), "vehicles.read": ("guard", "display")},
    # A vehicle without a pass stops needing the control room once it has left the site; a
    # watchlisted one stays open for a human (someone must know it came).
    alert_causes=(AlertCause("vehicle_no_pass", NAME, causes.vehicle_key, causes.left),),
    sections=(Section("vehicles", Vehicle, rows, "vehicles on site (a display: the plate masked)", reads=(NAME,)),
              Section("vehicles_on_site", GateCount, gate_rows, "vehicles on site per entrance they came in by",
                      reads=(NAME,))),
)
