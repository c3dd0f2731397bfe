"""Programme rows: today's meetings with their state, the next meeting and the phase proposed."""
import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.concept import EventData
from server.programme.fold import DAY_RESET, DAY_SET
from server.validation import RequestModel
from server.wire import event_of


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


HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
DATE_OR_DAILY = r"^(\d{4}-\d{2}-\d{2}|daily)$"


class MeetingNames(BaseModel):
    """A meeting's name in both languages."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)
    zh_CN: str = Field(alias="zh-CN", min_length=1, max_length=80)
    en: str = Field(min_length=1, max_length=80)


class PlannedMeeting(RequestModel):
    """One meeting as a commander plans it, in the venue file's shape (venue-local times)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="unique on its day, e.g. plenary")
    name: MeetingNames
    start: str = Field(pattern=HHMM, description='venue-local "HH:MM"')
    end: str = Field(pattern=HHMM, description='venue-local "HH:MM", after start')
    zones: list[str] = Field(min_length=1, max_length=64, description="zone ids of the venue file")
    check_before_min: int = Field(60, ge=0, le=720, description="the security check is due this long before")


class DayRequest(RequestModel):
    """Set one day's meetings (replacing the venue file's for that date); none cancels them."""

    date: str = Field(pattern=DATE_OR_DAILY, description="venue-local YYYY-MM-DD, today or later, or `daily`")
    meetings: list[PlannedMeeting] = Field(max_length=24)
    reason: str | None = Field(None, max_length=300, description="why the programme changed (kept in the record)")


class ResetRequest(RequestModel):
    """Put the venue file's day back in force."""

    reason: str | None = Field(None, max_length=300)


class DaySetData(EventData):
    """programme.day_set: a commander set one day's meetings (the file's day no longer applies)."""

    date: str = Field(description="YYYY-MM-DD or daily (the template)")
    meetings: list[dict] = Field(description="the meetings in the venue file's shape (PlannedMeeting)")
    reason: str | None = None


class DayResetData(EventData):
    """programme.day_reset: a commander put the venue file's day back in force."""

    date: str
    reason: str | None = None


class PlannedDay(BaseModel):
    """One day of the programme as the editor shows it."""

    date: str = Field(description="YYYY-MM-DD, or daily for the template")
    source: Literal["file", "edited", "template", "none"] = Field(
        description="where its meetings come from: the venue file's day, a commander's edit, the daily template, none")
    meetings: list[PlannedMeeting]
    occurrences: list[MeetingRow] = Field(description="the meetings with their ids (DATE.MEETING) and UTC times")
    edited_by: str | None = None
    edited_at: str | None = None
    reason: str | None = None


class ProgrammeAnswer(BaseModel):
    """The programme over a range of dates, and the daily template."""

    days: list[PlannedDay]
    template: PlannedDay | None


class ProgrammeQuery(RequestModel):
    """Which dates to list (venue-local; default: today and the next 6 days; at most 62)."""

    from_: dt.date | None = Field(None, alias="from", description="first venue-local date, YYYY-MM-DD")
    to: dt.date | None = Field(None, description="last venue-local date (included)")


class EditAnswer(BaseModel):
    """The recorded programme change."""

    event: event_of("ProgrammeDaySetEvent", DaySetData, DAY_SET)


class ResetAnswer(BaseModel):
    """The recorded reset."""

    event: event_of("ProgrammeDayResetEvent", DayResetData, DAY_RESET)
