"""Photos: uploaded from phones, stripped of metadata, stored beside the stream, attached by id."""
from server.concept import STAFF_ROLES, Concept, EventType, nobody
from server.photos import fold, service
from server.photos.models import DiscardedData, PhotoData

CONCEPT = Concept(
    name="photos",
    doc=__doc__,
    events=(EventType(fold.UPLOADED, PhotoData, "A photo was stored (its size, not its bytes).",
                      audience=nobody, audit=STAFF_ROLES,
                      audience_doc="nobody live; operators and up in the timeline (audit)"),
            EventType(fold.DISCARDED, DiscardedData, "The watcher deleted a photo nobody attached within a day.",
                      audience=nobody, audit=STAFF_ROLES,
                      audience_doc="nobody live; operators and up in the timeline (audit)")),
    folds=(fold,),
    views="server.photos.views:bp",
    # Guards upload and see photos; operators, commanders and admins inherit both; displays neither.
    permissions={"photos.upload": ("guard",), "photos.read": ("guard",)},
    timers=(service.discard_unattached,),
)
