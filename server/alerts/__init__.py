"""Alerts that need a human: raised by other concepts' timers, acknowledged by operators."""
from server.alerts import fold
from server.alerts.models import AcknowledgedData, Alert, RaisedData
from server.concept import Concept, EventType, Section

NAME = fold.NAME


def rows(ctx, reads):
    """Return the open alerts, keyed by id."""
    return {a["alert_id"]: a for a in fold.open_alerts(reads.projections[NAME])}


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
    sections=(Section("alerts", Alert, rows, "open alerts, keyed by id", reads=(NAME,)),),
)
