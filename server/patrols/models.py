"""Patrol check-ins: request, answer and event data models (validation and API docs alike)."""
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from server.concept import EventData
from server.visibility import FREE_TEXT
from server.validation import IsoTime, RequestModel, rule
from server.patrols.fold import CHECKIN
from server.wire import event_of

NOTE_MAX = 1000
Status = Literal["clear", "issue"]
Method = Literal["qr", "manual"]


class CheckinRequest(RequestModel):
    """A guard's check-in at a checkpoint."""

    checkpoint_id: str = Field(min_length=1, max_length=64, description="an entrance or checkpoint id")
    status: Status
    note: str | None = Field(None, max_length=NOTE_MAX, validate_default=True,
                             description="required when status is issue")
    observed_at: IsoTime | None = Field(
        None, description="when the guard was there (an outbox may send it later); at most 7 days "
                          "ago; a phone clock up to 5 minutes fast is clamped to the server's time")
    code: str | None = Field(None, max_length=300,
                             description="the payload of the checkpoint's printed QR code, when the guard "
                                         "scanned it (signed by the venue; a forged, foreign or retired-key "
                                         "code is refused); without it the check-in is recorded as manual")

    @field_validator("note")
    @classmethod
    def _issue_needs_note(cls, note, info: ValidationInfo):
        """Ask for a description when the guard reports an issue."""
        if info.data.get("status") == "issue" and not (note or "").strip():
            raise rule("issue_note", "describe the issue", "请描述发现的问题")
        return note


class CheckinData(EventData):
    """patrol.checkin: a guard was at a checkpoint."""

    checkpoint_id: str = Field(description="the entrance or checkpoint visited")
    status: Status = Field(description="clear, or issue (then the note says what)")
    note: Annotated[str, FREE_TEXT] = Field("", description="what the guard found; may be empty when clear "
                                                       "(not on wall screens)")
    method: Method = Field("manual", description="qr: the guard scanned the checkpoint's signed code (proof of "
                                                 "presence); manual: chosen from the list")
    key_id: str | None = Field(None, description="the venue key that signed the scanned code (qr only)")


class OverdueData(EventData):
    """patrol.overdue: a checkpoint's patrol window passed without a check-in."""

    checkpoint_id: str = Field(description="the checkpoint not visited in time")
    due_at: str = Field(description="when the missed visit was due (ISO 8601 UTC)")
    interval_min: float | None = Field(description="the patrol interval in force, in minutes")
    phase: str = Field(description="the phase whose interval applied")


class PatrolRow(BaseModel):
    """One checkpoint's patrol status."""

    checkpoint_id: str
    last_checkin_at: str | None
    last_guard: str | None
    last_status: Status | None
    interval_min: float | None = Field(description="minutes between visits in this phase; null = not patrolled")
    due_at: str | None
    overdue: bool


class CheckinMinute(BaseModel):
    """How many check-ins were recorded in one minute of the last hour (for the rate counter)."""

    minute: str = Field(description="the minute's start, ISO 8601 UTC")
    count: int


class CheckinAnswer(BaseModel):
    """The recorded check-in."""

    event: event_of("CheckinEvent", CheckinData, CHECKIN)


class PatrolsAnswer(BaseModel):
    """Each checkpoint's status, and the phase the intervals come from."""

    patrols: list[PatrolRow]
    phase: str
    phase_since: str | None
