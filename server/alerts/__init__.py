"""Alerts that need a human: raised by other concepts' timers, acknowledged by operators."""
from server.alerts import closing, fold
from server.alerts.models import AcknowledgedData, Alert, ClosedData, RaisedData
from server.concept import Concept, EventType, Personal, PersonalRows, Section
from server.identity.records import record

NAME = fold.NAME


def _plate_owner(values):
    """Return the visitor whose vehicle a gate alert names (None: no visitor's plate in it)."""
    return values.get("visitor_id") if str(values.get("kind", "")).startswith("vehicle_") else None


# A gate alert about a visitor's vehicle names its plate: sealed under the visitor's data key,
# in the event and in the alert's entry, so the purge unpairs them like the vehicle's own events.
PLATE = Personal(subject=_plate_owner, record=record, fields=("plate",))
PLATE_IN_ENTRY = PersonalRows(NAME, subject=_plate_owner, record=record, fields=("plate",))


def rows(ctx, reads):
    """Return the open alerts, keyed by id (the most severe, then the oldest, first)."""
    return {a["alert_id"]: a for a in fold.open_alerts(reads.projections[NAME])}


CONCEPT = Concept(
    name="alerts",
    doc=__doc__,
    events=(
        EventType(fold.RAISED, RaisedData, "Something needs a human (an overdue patrol, …).", personal=PLATE),
        EventType(fold.ACKNOWLEDGED, AcknowledgedData, "An operator acknowledged an alert."),
        EventType(fold.CLOSED, ClosedData, "An alert closed itself: its cause is gone."),
    ),
    timers=(closing.close_resolved,),
    folds=(fold,),
    personal_rows=(PLATE_IN_ENTRY,),
    views="server.alerts.views:bp",
    permissions={"alerts.read": ("display",), "alerts.acknowledge": ("operator",)},
    sections=(Section("alerts", Alert, rows, "open alerts, keyed by id", reads=(NAME,)),),
)
