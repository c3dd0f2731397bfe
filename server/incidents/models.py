"""Incidents: request, answer and event data models (validation and API docs alike)."""
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from server.concept import EventData
from server.incidents import lifecycle as lc
from server.incidents.fold import PHOTO_ADDED, REPORTED
from server.photos.models import MAX_PER_RECORD, PhotoId
from server.validation import IsoTime, RequestModel, rule
from server.visibility import FREE_TEXT, PERSON
from server.wire import Envelope, event_of

TEXT_MAX = 2000
ID_MAX = 64
Action = Literal[tuple(lc.ACTIONS)]
State = Literal[lc.STATES]
# action -> the field it cannot do without
NEEDS = {"assign": "assignee", "notify_agency": "agency", "sop_step": "step", "note": "note",
         "mark_duplicate": "of"}


class ReportRequest(RequestModel):
    """A new incident, as a guard or the control room reports it."""

    category: str = Field(min_length=1, max_length=ID_MAX, description="a category id of the venue")
    severity: int | None = Field(None, ge=1, le=4, description="1 = most severe; default: the category's")
    location_id: str = Field(min_length=1, max_length=ID_MAX, description="a zone, entrance or checkpoint id")
    description: str = Field(min_length=1, max_length=TEXT_MAX)
    observed_at: IsoTime | None = Field(None, description="when it was seen (an outbox may send it later); "
                                                          "at most 7 days ago")
    photo_ids: list[PhotoId] = Field(default_factory=list, max_length=MAX_PER_RECORD,
                                     description="photos uploaded before (POST /api/v1/photos) to attach")


class ActionRequest(RequestModel):
    """One step in an incident's handling; each action names the fields it needs."""

    action: Action
    assignee: str | None = Field(None, min_length=1, max_length=ID_MAX, validate_default=True,
                                 description="assign: the username sent")
    agency: str | None = Field(None, min_length=1, max_length=ID_MAX, validate_default=True,
                               description="notify_agency: a venue agency id")
    reference: str | None = Field(None, max_length=200, description="notify_agency: the agency's reference number")
    step: int | None = Field(None, ge=0, le=99, validate_default=True,
                             description="sop_step: the step ticked (0 = the category's first)")
    note: str | None = Field(None, max_length=TEXT_MAX, validate_default=True, description="note: the text; "
                             "any other action: an optional remark")
    of: str | None = Field(None, min_length=1, max_length=ID_MAX, validate_default=True,
                           description="mark_duplicate: the open incident this one duplicates")
    reason: str | None = Field(None, max_length=TEXT_MAX, description="resolve with unticked SOP steps: why")

    @field_validator("assignee", "agency", "step", "note", "of")
    @classmethod
    def _needed(cls, value, info: ValidationInfo):
        """Ask for the field the chosen action cannot do without."""
        if NEEDS.get(info.data.get("action")) == info.field_name and value in (None, ""):
            raise rule("action_needs", "required for this action", "此操作必填")
        return value


class ReportedData(EventData):
    """incident.reported: someone reported an incident."""

    incident_id: str
    category: str = Field(description="the venue's category id")
    severity: int = Field(ge=1, le=4, description="1 = most severe")
    location_id: str = Field(description="zone, entrance or checkpoint")
    zone_id: str | None = Field(description="the zone the location lies in")
    description: Annotated[str, FREE_TEXT]
    photo_ids: list[str] = Field(default_factory=list, description="photos attached with the report")


class ActedData(EventData):
    """The incident an action was taken on."""

    incident_id: str


class AcknowledgedData(ActedData):
    """incident.acknowledged: the control room took the incident."""


class AssignedData(ActedData):
    """incident.assigned: a guard (or anyone) was sent to it."""

    assignee: Annotated[str, PERSON]
    note: Annotated[str, FREE_TEXT] = ""


class AssignmentAcceptedData(ActedData):
    """incident.assignment_accepted: the assigned guard accepted the assignment on the phone."""

    assignment_id: str = Field(description="the id of the incident.assigned event accepted")


class EscalatedData(ActedData):
    """incident.escalated: raised to the commander, by an operator or by the timer."""

    automatic: bool = Field(description="true when the watcher escalated an unacknowledged incident")
    note: Annotated[str, FREE_TEXT] = ""
    threshold_min: float | None = Field(None, description="the threshold that passed (automatic only)")


class AgencyNotifiedData(ActedData):
    """incident.agency_notified: an outside agency was told."""

    agency: str = Field(description="the venue's agency id")
    reference: Annotated[str, FREE_TEXT] = Field("", description="the agency's reference number, if it gave one")
    note: Annotated[str, FREE_TEXT] = ""


class SopStepData(ActedData):
    """incident.sop_step_done: one step of the category's SOP was carried out."""

    step: int = Field(ge=0, description="index into the category's SOP steps")


class NotedData(ActedData):
    """incident.noted: a note was added."""

    note: Annotated[str, FREE_TEXT]


class ResolvedData(ActedData):
    """incident.resolved: handled; skipped SOP steps say why."""

    note: Annotated[str, FREE_TEXT] = ""
    skipped_steps: list[int] = Field(description="SOP steps not ticked when it was resolved")
    reason: Annotated[str, FREE_TEXT] = Field("", description="why those steps were skipped")


class ClosedData(ActedData):
    """incident.closed: the commander closed the record."""

    note: Annotated[str, FREE_TEXT] = ""


class ReopenedData(ActedData):
    """incident.reopened: a resolved or closed incident needs handling again."""

    note: Annotated[str, FREE_TEXT] = ""


class DuplicateData(ActedData):
    """incident.marked_duplicate: closed as a duplicate of another open incident."""

    of: str = Field(description="the incident this one duplicates")
    note: Annotated[str, FREE_TEXT] = ""


DATA = {"acknowledge": AcknowledgedData, "assign": AssignedData, "accept": AssignmentAcceptedData,
        "escalate": EscalatedData,
        "notify_agency": AgencyNotifiedData, "sop_step": SopStepData, "note": NotedData,
        "resolve": ResolvedData, "close": ClosedData, "reopen": ReopenedData,
        "mark_duplicate": DuplicateData}


class PhotoAddedData(ActedData):
    """incident.photo_added: photos were attached (ids only; the bytes live beside the stream)."""

    photo_ids: list[str] = Field(min_length=1)


class AgencyContact(BaseModel):
    """An agency notified about an incident."""

    agency: str
    reference: Annotated[str, FREE_TEXT]
    note: Annotated[str, FREE_TEXT]
    at: str
    by: Annotated[str, PERSON]


class Incident(BaseModel):
    """An incident as the projection holds it."""

    incident_id: str
    category: str
    severity: int = Field(ge=1, le=4)
    location_id: str
    zone_id: str | None
    description: Annotated[str | None, FREE_TEXT] = Field(None, description="absent for display screens (may name people)")
    status: State
    reported_by: Annotated[str | None, PERSON] = Field(None, description="a mark (*) for display screens")
    reported_at: str
    recorded_at: str
    acknowledged_at: str | None
    acknowledged_by: Annotated[str | None, PERSON]
    assignee: Annotated[str | None, PERSON]
    escalations: int
    auto_escalated: bool
    agencies: list[AgencyContact]
    sop_done: list[int]
    resolved_at: str | None
    closed_at: str | None
    duplicate_of: str | None
    duplicates: list[str]
    assigned_at: str | None = None
    assignment_id: str | None = Field(None, description="the incident.assigned event of the current assignment")
    assignment_note: Annotated[str | None, FREE_TEXT] = Field(None, description="the operator's note to the assignee "
                                                          "(absent for display screens)")
    assignment_accepted_at: str | None = Field(None, description="when the assignee accepted it on the phone")
    assignment_alerted: bool = Field(False, description="the watcher told the control room it was not accepted")
    ack_seconds: float | None = Field(None, description="seconds from recording to acknowledgement")
    resolve_seconds: float | None = Field(None, description="seconds from recording to resolution")
    photos: list[str] = Field([], description="ids of its photos (GET /api/v1/photos/{photo_id}), oldest first")
    history: list[str] = Field(description="ids of its events, oldest first")


class IncidentsQuery(RequestModel):
    """Filters of the incident list (all optional, combined with and)."""

    status: State | Literal["open"] | None = Field(None, description="open = reported or acknowledged")
    severity: int | None = Field(None, ge=1, le=4)
    category: str | None = Field(None, max_length=ID_MAX)
    location: str | None = Field(None, max_length=ID_MAX, description="a zone, entrance or checkpoint id")


class IncidentsAnswer(BaseModel):
    """Incidents, most severe first, then oldest first."""

    incidents: list[Incident]


class IncidentAnswer(BaseModel):
    """One incident with its whole history."""

    incident: Incident
    events: list[Envelope] = Field(description="its events, oldest first")


class ReportAnswer(BaseModel):
    """The recorded report."""

    incident: Incident
    event: event_of("IncidentReportedEvent", ReportedData, REPORTED)


class PhotosAnswer(BaseModel):
    """The incident with its photos, and the event that attached the new ones."""

    incident: Incident
    event: event_of("IncidentPhotoAddedEvent", PhotoAddedData, PHOTO_ADDED)


class ActionAnswer(BaseModel):
    """The incident after the action, and the action's event."""

    incident: Incident
    event: event_of("IncidentActionEvent", AcknowledgedData | AssignedData | AssignmentAcceptedData | EscalatedData
                    | AgencyNotifiedData | SopStepData | NotedData | ResolvedData | ClosedData | ReopenedData
                    | DuplicateData,
                    *lc.EVENT_OF.values())
