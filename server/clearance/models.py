"""Clearance: request, answer and event data models."""
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from server.concept import EventData
from server.visibility import FREE_TEXT
from server.visitors.models import Visitor
from server.validation import RequestModel
from server.wire import Envelope

NOTE_MAX = 500


class ConfirmRequest(RequestModel):
    """A guard's confirmation that a zone was swept."""

    people_found: int = Field(ge=0, le=100000, description="people still found in the zone (0 = clear)")
    note: str | None = Field(None, max_length=NOTE_MAX, description="what was found, where they were sent")


class ZoneConfirmedData(EventData):
    """clearance.zone_confirmed: a guard swept a zone."""

    round_id: str = Field(description="the round: the id of the phase change that opened it")
    zone_id: str
    people_found: int = Field(ge=0, description="0 = clear; more keeps the zone open for another sweep")
    note: Annotated[str, FREE_TEXT] = ""


class CompletedData(EventData):
    """clearance.completed: the last zone of the round was cleared (once per round)."""

    round_id: str
    started_at: str = Field(description="when the round opened")
    took_s: int = Field(ge=0, description="seconds from the round's start to the last zone cleared")
    zones: int = Field(ge=0, description="zones cleared")


class ZoneState(BaseModel):
    """One zone of the round as the board shows it."""

    zone_id: str
    state: str = Field(description="open, people_found or cleared")
    people_found: int | None = None
    found_earlier: int = Field(0, description="people found by an earlier sweep of this zone")
    note: Annotated[str, FREE_TEXT] = ""
    by: str | None = None
    at: str | None = None
    confirmations: int = 0


class Round(BaseModel):
    """The clearance round: its zones, and whether the venue is cleared."""

    round_id: str | None = Field(description="null before the venue first entered post_event")
    meeting_id: str | None = Field(None, description="the meeting the round follows (programme): only its zones "
                                                     "are swept; null: every zone")
    open: bool = Field(description="true while the venue is in post_event")
    started_at: str | None = None
    started_by: str | None = None
    completed_at: str | None = None
    took_s: int | None = None
    venue_cleared: bool = Field(description="every zone swept clear (clearance.completed recorded)")
    visitors_left: int = Field(0, description="visitors the roll still lists as on site")
    verdict: Literal["none", "sweeping", "zones_clear_visitors_left", "cleared"] = Field(
        "none", description="what the board says: cleared only when every zone is clear and nobody is "
                            "left on the visitors' roll")
    zones: list[ZoneState]


class ClearanceAnswer(Round):
    """The round, and the visitors still on the on-site roll (shaped for the viewer's role)."""

    visitors_on_site: list[Visitor] = Field(description="visitors not checked out, as the caller reads them "
                                                      "(names masked for a display)")
    people: dict[str, str] = Field(default_factory=dict, description="display names of the people the round "
                                                                     "names (who swept each zone)")


class ConfirmAnswer(BaseModel):
    """The round as the confirmation leaves it, and the events it recorded."""

    clearance: Round
    events: list[Envelope] = Field(description="the confirmation, and clearance.completed when it was the last zone")
