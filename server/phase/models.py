"""Phase request, answer and event data models."""
from pydantic import BaseModel, Field

from server.concept import EventData
from server.validation import RequestModel
from server.phase.fold import CHANGED
from server.wire import event_of


class PhaseRequest(RequestModel):
    """Move the venue to another phase."""

    phase: str = Field(min_length=1, max_length=64, description="a phase id of the venue file")
    override_reason: str | None = Field(None, min_length=1, max_length=500,
                                        description="why the phase changes although a gate says not ready")


class ChangedData(EventData):
    """phase.changed: the venue moved into another phase."""

    phase: str = Field(description="the phase now in force")
    previous: str | None = Field(description="the phase before (null on first start)")
    override_reason: str | None = Field(None, description="a commander's reason for overriding a gate")
    overridden: list[str] = Field(default_factory=list, description="what the gate said was missing")


class PhaseRow(BaseModel):
    """The phase in force."""

    phase: str = Field(description="the phase in force")
    since: str | None = Field(description="since when (null before the first change)")


class PhaseAnswer(BaseModel):
    """The recorded phase change."""

    event: event_of("PhaseChangedEvent", ChangedData, CHANGED)
