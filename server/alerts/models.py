"""Alert event data and answer models."""
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.concept import EventData
from server.validation import RequestModel
from server.visibility import PEOPLE, PERSON, PLATE
from server.alerts.fold import ACKNOWLEDGED
from server.wire import event_of


class AlertFields(BaseModel):
    """What an alert says: every kind's fields, each declared with who reads it."""

    alert_id: str = Field(min_length=1, description="stable id: raising it again is idempotent")
    kind: str = Field(min_length=1, description="patrol_overdue, watchlist_hit, incident_unacknowledged, …")
    severity: int = Field(ge=1, le=4, description="1 = most severe")
    checkpoint_id: str | None = Field(None, description="where, for patrol alerts")
    due_at: str | None = Field(None, description="when the missed visit was due, for patrol alerts")
    entrance_id: str | None = Field(None, description="the gate, for visitor alerts")
    area_id: str | None = Field(None, description="the area, for hazard alerts")
    incident_id: str | None = None
    category: str | None = Field(None, description="the incident's category, for incident alerts")
    location_id: str | None = Field(None, description="where: the incident's location (or a zone)")
    assignment_id: str | None = None
    assignee: Annotated[str | None, PERSON] = Field(None, description="who did not accept an assignment")
    threshold_min: float | None = Field(None, description="the threshold that passed, in minutes")
    skipped_steps: list[int] | None = Field(None, description="SOP steps skipped at resolution")
    visitor_id: str | None = None
    entry_id: str | None = Field(None, description="the watchlist entry matched")
    match: str | None = Field(None, description="exact or possible, for watchlist alerts")
    hazard_id: str | None = None
    checklist_id: str | None = None
    item_id: str | None = None
    expected_until: str | None = Field(None, description="when an overstaying visitor was due to leave")
    broadcast_id: str | None = None
    plate: Annotated[str | None, PLATE] = Field(None, description="the vehicle, for gate alerts")
    vehicle_kind: str | None = None
    watchlist_id: str | None = Field(None, description="the watchlist entry a plate matched")
    post_id: str | None = Field(None, description="the post, for staffing alerts")
    needed: int | None = Field(None, description="guards the post needs, for staffing alerts")
    on_duty_count: int | None = Field(None, description="guards on duty when the alert was raised")
    meeting_id: str | None = Field(None, description="the meeting (DATE.MEETING), for programme alerts")
    meeting_name: dict[str, str] | None = Field(None, description="the meeting's {zh-CN, en} name")
    meeting_at: str | None = Field(None, description="HH:MM venue-local: when the programme says the phase is due")
    proposed_phase: str | None = Field(None, description="the phase the programme proposes, for phase_due")
    due_until: str | None = Field(None, description="when a phase_due proposal lapses (the meeting's moment passed)")
    missing: Annotated[list[str] | None, PEOPLE] = Field(None, description="who has not acknowledged a message")


class RaisedData(AlertFields, EventData):
    """alert.raised: something needs a human; each kind fills the fields it needs."""


class AcknowledgedData(EventData):
    """alert.acknowledged: an operator took the alert."""

    alert_id: str = Field(description="the alert taken")


class ClosedData(EventData):
    """alert.closed: the alert's cause is gone (the incident was acknowledged, the guard checked in, …)."""

    alert_id: str = Field(description="the alert closed")
    reason: str = Field(min_length=1, description="what removed the cause, e.g. incident_acknowledged, checked_in")


class Alert(AlertFields):
    """An alert as the control room lists it."""

    status: Literal["open", "acknowledged", "closed"]
    raised_at: str
    raised_event_id: str
    checkpoint_id: str | None = None
    due_at: str | None = None
    acknowledged_at: str | None = None
    acknowledged_by: Annotated[str | None, PERSON] = None
    closed_at: str | None = None
    close_reason: str | None = Field(None, description="why it closed itself (its cause is gone)")


class AlertsAnswer(BaseModel):
    """Open alerts, most severe first, then oldest first."""

    alerts: list[Alert]


class AcknowledgeRequest(RequestModel):
    """Nothing to say: send {} or no body at all (any field is refused)."""


class AcknowledgeAnswer(BaseModel):
    """The acknowledgement."""

    event: event_of("AlertAcknowledgedEvent", AcknowledgedData, ACKNOWLEDGED)
