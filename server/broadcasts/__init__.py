"""Broadcasts: operators' messages to guards' phones, acknowledged by each guard."""
from server.broadcasts import fold, service
from server.broadcasts.models import BroadcastAcknowledgedData, BroadcastSentData
from server.concept import FEED_ROLES, AlertCause, Audience, Concept, EventType, feed_and_actor


def addressed(event):
    """Reach every feed screen, plus the users the message was sent to."""
    return Audience(roles=FEED_ROLES, users=frozenset(event["data"].get("recipients", ())))


CONCEPT = Concept(
    name="broadcasts",
    doc=__doc__,
    events=(
        EventType(fold.SENT, BroadcastSentData, "An operator sent a message to guards' phones.", audience=addressed,
                  audience_doc="feed screens (displays without the text or the recipients) "
                                              "and the recipients (fixed when it was sent)"),
        EventType(fold.ACKNOWLEDGED, BroadcastAcknowledgedData, "A recipient acknowledged a message.",
                  audience=feed_and_actor, audience_doc="feed screens and the recipient's devices"),
    ),
    folds=(fold,),
    views="server.broadcasts.views:bp",
    permissions={"broadcasts.send": ("operator",), "broadcasts.read": ("guard",),
                 "broadcasts.acknowledge": ("guard",)},
    timers=(service.check_unacknowledged,),
    alert_causes=(AlertCause(fold.UNACKNOWLEDGED, fold.NAME, "broadcast_id", fold.all_acknowledged),),
)
