"""Inspections, hazards and readiness: request, answer and event data models."""
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from server.concept import EventData
from server.inspections.fold import ASSIGNED, RECORDED, RECTIFIED
from server.validation import RequestModel, rule
from server.visibility import FREE_TEXT, PERSON
from server.wire import event_of

ID_MAX = 64
NOTE_MAX = 1000
PHOTOS_MAX = 5
PhotoId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,64}$")]
PhotoIds = list[PhotoId]
Status = Literal["open", "rectified"]
Severity = Literal["critical", "normal"]


class ResultRequest(RequestModel):
    """One checklist item's answer: passed or failed (a failure says what is wrong)."""

    item_id: str = Field(min_length=1, max_length=ID_MAX)
    ok: bool
    note: str = Field("", max_length=NOTE_MAX, validate_default=True,
                      description="what is wrong (required when ok is false)")
    photo_ids: PhotoIds = Field(default_factory=list, max_length=PHOTOS_MAX,
                                description="photos from POST /api/v1/photos")

    @field_validator("note")
    @classmethod
    def _failure_says_why(cls, value, info: ValidationInfo):
        """Ask for a note on a failed item: the hazard must say what to fix."""
        if info.data.get("ok") is False and not value:
            raise rule("failure_needs_note", "say what is wrong", "请说明问题")
        return value


class InspectionRequest(RequestModel):
    """One checklist walked in one area: every item answered exactly once."""

    checklist_id: str = Field(min_length=1, max_length=ID_MAX)
    area_id: str = Field(min_length=1, max_length=ID_MAX, description="a zone the checklist applies to")
    results: list[ResultRequest] = Field(min_length=1, max_length=100)


class InspectionsQuery(RequestModel):
    """Which inspections to list."""

    date: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="venue-local day; default today")
    area: str | None = Field(None, max_length=ID_MAX)


class HazardsQuery(RequestModel):
    """Which hazards to list."""

    status: Status | None = None
    area: str | None = Field(None, max_length=ID_MAX)
    assignee: str | None = Field(None, max_length=ID_MAX, description="only those assigned to this user")


class AssignRequest(RequestModel):
    """Send someone to fix a hazard."""

    assignee: str = Field(min_length=1, max_length=ID_MAX, description="a username")


class RectifyRequest(RequestModel):
    """Close a hazard: what was done, with photos of the fix if any."""

    note: str = Field(min_length=1, max_length=NOTE_MAX)
    photo_ids: PhotoIds = Field(default_factory=list, max_length=PHOTOS_MAX)


class Result(BaseModel):
    """One item's recorded answer."""

    item_id: str
    ok: bool
    note: Annotated[str, FREE_TEXT] = ""
    photo_ids: list[str] = []


class RecordedData(EventData):
    """inspection.recorded: one checklist walked in one area."""

    inspection_id: str
    checklist_id: str
    area_id: str = Field(description="the zone inspected")
    day: str = Field(description="the venue-local day it counts for (YYYY-MM-DD)")
    results: list[Result]
    failed: list[str] = Field(description="item ids that failed")
    hazard_ids: list[str] = Field(description="the hazards the failures opened (same commit)")


class OpenedData(EventData):
    """hazard.opened: a failed inspection item needs fixing."""

    hazard_id: str
    inspection_id: str
    checklist_id: str
    item_id: str
    area_id: str
    critical: bool = Field(description="the item is critical: the session waits for it")
    severity: Severity
    note: Annotated[str, FREE_TEXT]
    photo_ids: list[str]


class AssignedData(EventData):
    """hazard.assigned: someone was sent to fix it."""

    hazard_id: str
    assignee: Annotated[str, PERSON]


class RectifiedData(EventData):
    """hazard.rectified: fixed; within the venue's threshold it counts as fixed on the spot."""

    hazard_id: str
    note: Annotated[str, FREE_TEXT]
    photo_ids: list[str]
    minutes_open: float = Field(description="minutes from opened to rectified")
    fixed_on_spot: bool = Field(description="rectified within the venue's fixed_on_spot_min (立行立改)")
    threshold_min: float = Field(description="the venue's fixed_on_spot_min when it was rectified")
    assignee: Annotated[str | None, PERSON] = Field(None, description="whom it was assigned to (their phone drops it from its list)")


class Inspection(RecordedData):
    """An inspection as the lists show it."""

    model_config = ConfigDict(extra="allow")

    recorded_at: str
    by: Annotated[str, PERSON]


class Hazard(BaseModel):
    """A hazard as the lists and the snapshot show it."""

    model_config = ConfigDict(extra="allow")

    hazard_id: str
    checklist_id: str
    item_id: str
    area_id: str
    critical: bool
    severity: Severity
    status: Status
    opened_at: str
    assignee: Annotated[str | None, PERSON]
    alerted_at: str | None
    rectified_at: str | None
    fixed_on_spot: bool | None
    inspection_id: str | None = None
    note: Annotated[str, FREE_TEXT] = Field("", description="what the inspector saw (not on wall screens)")
    photo_ids: list[str] = []
    opened_by: Annotated[str | None, PERSON] = None
    rectified_by: Annotated[str | None, PERSON] = None
    rectify_note: Annotated[str, FREE_TEXT] = ""
    rectify_photo_ids: list[str] = []
    minutes_open: float | None = None


class Cell(BaseModel):
    """One checklist in one area today."""

    checklist_id: str
    area_id: str
    required: bool
    state: Literal["not_inspected", "passed", "open_hazards"]
    inspected_at: str | None
    open_hazards: int


class Missing(BaseModel):
    """One thing that keeps the venue from ready, with its text in both languages."""

    code: Literal["not_inspected", "open_hazards", "critical_hazard"]
    key: str
    checklist_id: str
    area_id: str
    hazard_id: str | None
    en: str
    zh: str
    overridden: bool = Field(False, description="named by today's override: still missing, entered anyway")


class Override(BaseModel):
    """A commander's override of the gate today."""

    reason: Annotated[str, FREE_TEXT]
    missing: list[str]
    phase: str
    at: str
    by: Annotated[str, PERSON]


class Board(BaseModel):
    """Today's readiness: the board, ready or not, what is missing, today's override."""

    day: str
    gates: str = Field(description="the phase this board gates (entering it needs ready or an override)")
    ready: bool
    cells: list[Cell]
    missing: list[Missing]
    override: Override | None
    meeting_id: str | None = Field(None, description="the meeting whose check this is (programme); null: every area")
    zones: list[str] | None = Field(None, description="the zones the board covers (the meeting's); null: every area")


class InspectionAnswer(BaseModel):
    """The recorded inspection and the hazards it opened."""

    inspection: Inspection
    hazards: list[Hazard]
    event: event_of("InspectionRecordedEvent", RecordedData, RECORDED)


class InspectionsAnswer(BaseModel):
    """Inspections of a day, newest first."""

    inspections: list[Inspection]


class HazardsAnswer(BaseModel):
    """Hazards, open and critical first, then oldest first."""

    hazards: list[Hazard]


class HazardAnswer(BaseModel):
    """A hazard after an action, and the action's event."""

    hazard: Hazard
    event: event_of("HazardActionEvent", dict, ASSIGNED, RECTIFIED)

