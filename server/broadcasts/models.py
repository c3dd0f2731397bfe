"""Broadcasts: request, answer and event data models."""
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from server.broadcasts.fold import ACKNOWLEDGED, SENT
from server.concept import EventData
from server.visibility import FREE_TEXT, PEOPLE, PERSON
from server.validation import RequestModel, rule
from server.wire import event_of

TEXT_MAX = 500
Role = Literal["guard", "operator", "commander", "admin"]
# to -> the field it cannot do without
NEEDS = {"role": "role", "username": "username"}


class BroadcastRequest(RequestModel):
    """A short message to every guard, to everyone of a role, or to one user."""

    text: str = Field(min_length=1, max_length=TEXT_MAX)
    to: Literal["all", "role", "username"] = Field(description="all = every guard; role; username = one user")
    role: Role | None = Field(None, validate_default=True, description="to: role — the role addressed")
    username: str | None = Field(None, min_length=1, max_length=64, validate_default=True,
                                 description="to: username — the user addressed")

    @field_validator("role", "username")
    @classmethod
    def _needed(cls, value, info: ValidationInfo):
        """Ask for the field the chosen addressing cannot do without."""
        if NEEDS.get(info.data.get("to")) == info.field_name and value in (None, ""):
            raise rule("to_needs", "required for this addressing", "此发送对象必填")
        return value


class BroadcastAcknowledgeRequest(RequestModel):
    """Nothing to say: send {} or no body at all."""


class BroadcastSentData(EventData):
    """broadcast.sent: an operator sent a message; recipients are fixed when it is sent."""

    broadcast_id: str
    text: Annotated[str, FREE_TEXT]
    to: Literal["all", "role", "username"]
    role: str | None = Field(None, description="the role addressed (to: role; to: all = guard)")
    username: Annotated[str | None, PERSON] = Field(None, description="the user addressed (to: username)")
    recipients: Annotated[list[str], PEOPLE] = Field(description="usernames it was sent to (enabled accounts at the time)")


class BroadcastAcknowledgedData(EventData):
    """broadcast.acknowledged: one recipient read it."""

    broadcast_id: str


class BroadcastAcknowledgement(BaseModel):
    """Who acknowledged, and when."""

    username: str
    at: str


class Broadcast(BaseModel):
    """A message and who has acknowledged it."""

    broadcast_id: str
    text: str
    to: Literal["all", "role", "username"]
    role: str | None = None
    username: str | None = None
    recipients: list[str] = Field(description="for a guard: only the guard")
    sent_at: str
    sent_by: str
    acknowledgements: list[BroadcastAcknowledgement] = Field(description="oldest first; for a guard: only the guard's")
    alerted: bool = Field(description="the control room was told some recipients had not acknowledged in time")


class BroadcastsAnswer(BaseModel):
    """Recent messages, newest first (a guard: those sent to the guard)."""

    broadcasts: list[Broadcast]


class BroadcastSentAnswer(BaseModel):
    """The recorded message."""

    broadcast: Broadcast
    event: event_of("BroadcastSentEvent", BroadcastSentData, SENT)


class BroadcastAcknowledgedAnswer(BaseModel):
    """The message after the acknowledgement."""

    broadcast: Broadcast
    event: event_of("BroadcastAcknowledgedEvent", BroadcastAcknowledgedData, ACKNOWLEDGED)


class TaskAssignment(BaseModel):
    """An open incident assigned to the signed-in guard."""

    incident_id: str
    category: str
    severity: int = Field(ge=1, le=4)
    location_id: str
    zone_id: str | None
    description: str
    assigned_at: str | None
    assignment_id: str | None
    assignment_note: str | None
    assignment_accepted_at: str | None


class TasksAnswer(BaseModel):
    """What the signed-in guard has been sent: open assignments and recent broadcasts, newest first."""

    assignments: list[TaskAssignment]
    broadcasts: list[Broadcast]
