"""Alerts that need a human: raised by other concepts' timers, acknowledged by operators."""
from server.alerts import closing, fold
from server.alerts.models import AcknowledgedData, Alert, ClosedData, RaisedData
from server.concept import Concept, EventType, Section

NAME = fold.NAME


def rows(ctx, reads):
    """Return the open alerts, keyed by id (the most severe, then the oldest, first)."""
    return {a["alert_id"]: a for a in fold.open_alerts(reads.projections[NAME])}


CONCEPT = Concept(
    name="alerts",
    doc=__doc__,
    events=(
        EventType(fold.RAISED, RaisedData, "Something needs a human (an overdue patrol, …)."),
        EventType(fold.ACKNOWLEDGED, AcknowledgedData, "An operator acknowledged an alert."),
        EventType(fold.CLOSED, ClosedData, "An alert closed itself: its cause is gone."),
    ),
    timers=(closing.close_resolved,),
    folds=(fold,),
    views="server.alerts.views:bp",
    permissions={"alerts.read": ("display",), "alerts.acknowledge": ("operator",)},
    sections=(Section("alerts", Alert, rows, "open alerts, keyed by id", reads=(NAME,)),),
)
