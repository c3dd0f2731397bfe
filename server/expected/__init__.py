"""Expected visitors: lists imported in advance, found at the gate, compared with arrivals."""
from server.concept import Audience, Concept, EventType
from server.expected import fold, purge
from server.expected.models import ImportedData, PurgedData

STAFF = Audience(roles=frozenset({"operator", "commander", "admin"}))
AUDITORS = Audience(roles=frozenset({"commander", "admin"}))

CONCEPT = Concept(
    name="expected",
    doc=__doc__,
    events=(
        EventType(fold.IMPORTED, ImportedData, "An operator imported an expected-visitor list (counts only).",
                  audience=lambda _event: STAFF, audience_doc="operator, commander, admin"),
        EventType(fold.PURGED, PurgedData, "A day's expected list passed its retention and was erased (counts only).",
                  audience=lambda _event: AUDITORS, audience_doc="commander, admin"),
    ),
    folds=(fold,),
    views="server.expected.views:bp",
    permissions={"expected.import": ("operator",), "expected.read": ("operator",),
                 "expected.lookup": ("guard",)},
    timers=(purge.purge_timer,),
)
