"""Phase request, answer and event data models."""
from pydantic import BaseModel, Field

from server.concept import EventData
from server.validation import RequestModel
from server.phase.fold import CHANGED
from server.wire import event_of


class PhaseRequest(RequestModel):
    """Move the venue to another phase."""

    phase: str = Field(min_length=1, max_length=64, description="a phase id of the venue file")


class ChangedData(EventData):
    """phase.changed: the venue moved into another phase."""

    phase: str = Field(description="the phase now in force")
    previous: str | None = Field(description="the phase before (null on first start)")


class PhaseAnswer(BaseModel):
    """The recorded phase change."""

    event: event_of("PhaseChangedEvent", ChangedData, CHANGED)
