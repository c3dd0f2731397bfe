"""Visitors at the gates: registered with their ID checked and sealed, checked out, on-site roll."""
from server.concept import AlertCause, Audience, Concept, EventType, Personal, PersonalRows, Section, feed_and_actor
from server.identity.idcheck import mask_name
from server.identity.records import record
from server.visitors import fold, onsite, overstay, service
from server.visitors.models import (CheckedOutData, LeftUnrecordedData, PurgedData, RegisteredData, RevealedData,
                                    Visitor)

NAME = fold.NAME
AUDITORS = Audience(roles=frozenset({"commander", "admin"}))
# Sealed under the visitor's data key (server/sealing.py); the purge deletes that key.
REGISTERED_PERSONAL = Personal(subject=lambda data: data["visitor_id"], record=record,
                               fields=fold.PERSONAL, masked={"name": mask_name}, creates=True)
CHECKED_OUT_PERSONAL = Personal(subject=lambda data: data["visitor_id"], record=record,
                                fields=("name",), masked={"name": mask_name})
# A note on how a visitor's leaving was established may name people: sealed like the name.
LEFT_PERSONAL = Personal(subject=lambda data: data["visitor_id"], record=record,
                         fields=("name", "note"), masked={"name": mask_name})
# The same fields of the visitors' entries, sealed under the same key in the projection.
ENTRY_PERSONAL = PersonalRows(NAME, subject=lambda entry: entry.get("visitor_id"), record=record,
                              fields=fold.PERSONAL, masked={"name": mask_name},
                              shown=lambda entry: bool(entry.get("on_site")))  # a visitor never comes back on site


def rows(ctx, reads):
    """Return the visitors on site, keyed by id."""
    return {v["visitor_id"]: v for v in fold.listed(reads.projections[NAME], on_site=True)}


CONCEPT = Concept(
    name="visitors",
    doc=__doc__,
    events=(
        EventType(fold.REGISTERED, RegisteredData, "A guard registered a visitor at a gate.",
                  audience=feed_and_actor,
                  audience_doc="display (name masked, no phone), operator, commander, admin; "
                               "and the guard who registered", personal=REGISTERED_PERSONAL),
        EventType(fold.CHECKED_OUT, CheckedOutData, "A visitor left through a gate.",
                  audience=feed_and_actor,
                  audience_doc="display (name masked), operator, commander, admin; and the guard",
                  personal=CHECKED_OUT_PERSONAL),
        EventType(fold.LEFT_UNRECORDED, LeftUnrecordedData,
                  "A visitor left without a recorded check-out: an operator took them off the roll.",
                  audience=feed_and_actor,
                  audience_doc="display (name masked, no note), operator, commander, admin; and the operator",
                  personal=LEFT_PERSONAL),
        EventType(fold.REVEALED, RevealedData, "A commander read a visitor's full ID number.",
                  audience=lambda _event: AUDITORS, audience_doc="commander, admin"),
        EventType(fold.PURGED, PurgedData, "Visitors' personal data passed its retention and was erased.",
                  audience=lambda _event: AUDITORS, audience_doc="commander, admin"),
    ),
    folds=(fold, onsite),
    views="server.visitors.views:bp",
    permissions={"visitors.register": ("guard",), "visitors.checkout": ("guard",),
                 "visitors.read": ("guard", "display"), "visitors.reveal": ("commander",),
                 "visitors.resolve": ("operator",)},
    timers=(service.purge_timer, overstay.check_overstays),
    alert_causes=(AlertCause(overstay.KIND, NAME, "visitor_id", overstay.left),),
    personal_rows=(ENTRY_PERSONAL,),
    sections=(Section("visitors", Visitor, rows, "visitors on site, keyed by id, as the viewer may read them "
                      "(a display: 张*, no phone, organization, host or purpose; the plate masked)",
                      reads=(NAME,)),),
)
