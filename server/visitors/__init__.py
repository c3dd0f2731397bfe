"""Visitors at the gates: registered with their ID checked and sealed, checked out, on-site roll."""
from pydantic import Field

from server.concept import Audience, Concept, EventType, Personal, feed_and_actor
from server.visitors.idcheck import mask_name
from server.visitors import fold, overstay, service
from server.visitors.models import CheckedOutData, PurgedData, RegisteredData, RevealedData, Visitor

NAME = fold.NAME
AUDITORS = Audience(roles=frozenset({"commander", "admin"}))
# Sealed under the visitor's data key (server/sealing.py); the purge deletes that key.
REGISTERED_PERSONAL = Personal(subject=lambda data: data["visitor_id"], record=fold.record,
                               fields=fold.PERSONAL, masked={"name": mask_name}, creates=True)
CHECKED_OUT_PERSONAL = Personal(subject=lambda data: data["visitor_id"], record=fold.record,
                                fields=("name",), masked={"name": mask_name})


def snapshot(ctx, reads, state):
    """Return the visitors on site, shaped for the viewer's role (no viewer: the least shown)."""
    role = getattr(reads.viewer, "role", None)
    return {"visitors": fold.listed(reads.projections[NAME], role, on_site=True)}


CONCEPT = Concept(
    name="visitors",
    doc=__doc__,
    events=(
        EventType(fold.REGISTERED, RegisteredData, "A guard registered a visitor at a gate.",
                  audience=feed_and_actor, form=fold.form,
                  audience_doc="display (name masked, no phone), operator, commander, admin; "
                               "and the guard who registered", personal=REGISTERED_PERSONAL),
        EventType(fold.CHECKED_OUT, CheckedOutData, "A visitor left through a gate.",
                  audience=feed_and_actor, form=fold.form,
                  audience_doc="display (name masked), operator, commander, admin; and the guard",
                  personal=CHECKED_OUT_PERSONAL),
        EventType(fold.REVEALED, RevealedData, "A commander read a visitor's full ID number.",
                  audience=lambda _event: AUDITORS, audience_doc="commander, admin"),
        EventType(fold.PURGED, PurgedData, "Visitors' personal data passed its retention and was erased.",
                  audience=lambda _event: AUDITORS, audience_doc="commander, admin"),
    ),
    folds=(fold,),
    views="server.visitors.views:bp",
    permissions={"visitors.register": ("guard",), "visitors.checkout": ("guard",),
                 "visitors.read": ("guard", "display"), "visitors.reveal": ("commander",)},
    timers=(service.purge_timer, overstay.check_overstays),
    snapshot=snapshot,
    reads=(NAME,),
    sections={"visitors": (list[Visitor], Field(description="visitors on site, newest first, as the viewer's "
                                                            "role may see them (a display: 张* and no phone)"))},
)
