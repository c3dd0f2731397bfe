"""Alert event data and answer models."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.concept import EventData
from server.validation import RequestModel
from server.alerts.fold import ACKNOWLEDGED
from server.wire import event_of


class RaisedData(EventData):
    """alert.raised: something needs a human. Kinds add their own fields (e.g. checkpoint_id)."""

    model_config = ConfigDict(extra="allow")

    alert_id: str = Field(min_length=1, description="stable id: raising it again is idempotent")
    kind: str = Field(min_length=1, description="patrol_overdue, watchlist_hit, incident_unacknowledged, …")
    severity: int = Field(ge=1, le=4, description="1 = most severe")
    checkpoint_id: str | None = Field(None, description="where, for patrol alerts")
    due_at: str | None = Field(None, description="when the missed visit was due, for patrol alerts")


class AcknowledgedData(EventData):
    """alert.acknowledged: an operator took the alert."""

    alert_id: str = Field(description="the alert taken")


class Alert(BaseModel):
    """An alert as the control room lists it."""

    model_config = ConfigDict(extra="allow")

    alert_id: str
    kind: str
    severity: int = Field(ge=1, le=4, description="1 = most severe")
    status: Literal["open", "acknowledged"]
    raised_at: str
    raised_event_id: str
    checkpoint_id: str | None = None
    due_at: str | None = None
    acknowledged_at: str | None = None
    acknowledged_by: str | None = None


class AlertsAnswer(BaseModel):
    """Open alerts, newest first."""

    alerts: list[Alert]


class AcknowledgeRequest(RequestModel):
    """Nothing to say: send {} or no body at all (any field is refused)."""


class AcknowledgeAnswer(BaseModel):
    """The acknowledgement."""

    event: event_of("AlertAcknowledgedEvent", AcknowledgedData, ACKNOWLEDGED)
