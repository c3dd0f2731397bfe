"""Programme rows: today's meetings with their state, the next meeting and the phase proposed."""
from pydantic import BaseModel, Field


class MeetingRow(BaseModel):
    """One meeting of a day, as the pages show it."""

    meeting_id: str = Field(description="DATE.MEETING, e.g. 2026-05-18.plenary")
    date: str = Field(description="venue-local date")
    name: dict[str, str] = Field(description="{zh-CN, en}")
    zones: list[str] = Field(description="the zones the meeting uses: its check and its clearance cover these")
    check_before_min: int
    start: str = Field(description="UTC ISO")
    end: str
    check_from: str = Field(description="when the security check is due (start − check_before_min)")
    start_local: str = Field(description="HH:MM venue-local")
    end_local: str
    check_from_local: str
    state: str = Field(description="upcoming, check_due, in_session, clearing or done")


class Proposal(BaseModel):
    """The phase change the programme proposes now; a commander confirms it."""

    phase: str
    meeting_id: str
    name: dict[str, str]
    at: str = Field(description="UTC ISO: when the programme says it happens")
    at_local: str = Field(description="HH:MM venue-local")


class ProgrammeRow(BaseModel):
    """Today's programme (empty lists when the venue has none)."""

    day: str
    meetings: list[MeetingRow]
    next: MeetingRow | None = Field(description="the meeting not yet ended (tomorrow's first after today's last)")
    next_is_tomorrow: bool = False
    proposal: Proposal | None = None
