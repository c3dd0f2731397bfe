"""Alerts that need a human: raised by other concepts' timers, acknowledged by operators."""
from server.alerts import fold
from pydantic import Field

from server.alerts.models import AcknowledgedData, Alert, RaisedData
from server.concept import Concept, EventType

NAME = fold.NAME


def snapshot(ctx, reads, state):
    """Return the open alerts, newest first."""
    return {"alerts": fold.open_alerts(reads.projections[NAME])}


CONCEPT = Concept(
    name="alerts",
    doc=__doc__,
    events=(
        EventType(fold.RAISED, RaisedData, "Something needs a human (an overdue patrol, …)."),
        EventType(fold.ACKNOWLEDGED, AcknowledgedData, "An operator acknowledged an alert."),
    ),
    folds=(fold,),
    views="server.alerts.views:bp",
    permissions={"alerts.read": ("display",), "alerts.acknowledge": ("operator",)},
    snapshot=snapshot,
    reads=(NAME,),
    sections={"alerts": (list[Alert], Field(description="open alerts, newest first"))},
)
