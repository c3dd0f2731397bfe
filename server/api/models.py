"""Request and answer models of the core routes (venue, state, timeline)."""
import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model, field_validator

from server import events as ev
from server.concepts import registry
from server.validation import rule
from server.wire import Envelope


class QueryModel(BaseModel):
    """Base of query strings: unknown parameters are ignored, as browsers and proxies add some."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)


class TimelineQuery(QueryModel):
    """Timeline filters and paging."""

    after: str | None = Field(None, description="stream id: events after it, oldest first")
    before: str | None = Field(None, description="stream id: events before it, newest first")
    from_: AwareDatetime | None = Field(None, alias="from", description="ISO time, inclusive")
    to: AwareDatetime | None = Field(None, description="ISO time, inclusive")
    type: str | None = Field(None, max_length=64, description="event type, e.g. patrol.checkin")
    location: str | None = Field(None, max_length=64, description="checkpoint, entrance, zone or area id")
    actor: str | None = Field(None, max_length=64, description="username")
    meeting: str | None = Field(None, max_length=80, description="a meeting of the programme, DATE.MEETING: the "
                                "events from its security check's start to the next meeting's (or midnight)")
    order: Literal["asc", "desc"] | None = None
    limit: int = Field(100, ge=1, le=1000)

    @field_validator("from_", "to")
    @classmethod
    def _in_range(cls, value):
        """Refuse a time with no UTC counterpart (year 1 at +01:00)."""
        try:
            return value.astimezone(dt.timezone.utc) if value is not None else None
        except OverflowError:
            raise rule("time_range", "is out of range", "超出范围") from None

    @field_validator("after", "before")
    @classmethod
    def _stream_id(cls, value):
        """Accept only ids Redis would accept (two 64-bit parts)."""
        if value is not None and not ev.valid_id(value):
            raise rule("stream_id", "not a stream id (like 1764050000000-0)", "不是流 ID（如 1764050000000-0）")
        return value


class StateQuery(QueryModel):
    """Which moment the snapshot is of."""

    at: str | None = Field(None, max_length=64,
                           description="replay (commanders and admins): an ISO time with a zone, or a "
                                       "cursor (the state right after that event); not in the future")


class EventsAnswer(BaseModel):
    """One timeline page; pass `next` as after/before to continue, null at the end."""

    events: list[Envelope]
    next: str | None
    people: dict[str, str] = Field(default_factory=dict, description="display names of the people the page's "
                                                                     "events mention (actors, assignees)")


class Named(BaseModel):
    """Something of the venue file with an id and names per language."""

    model_config = ConfigDict(extra="allow")

    id: str


class VenueAnswer(BaseModel):
    """The venue file, as the pages and phones need it."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: dict[str, str]
    timezone: str
    phases: list[Named]
    entrances: list[Named]
    zones: list[Named]
    checkpoints: list[Named]
    incident_categories: list[Named]
    checklists: list[Named]
    agencies: list[Named]


class StateCore(BaseModel):
    """The viewer's sections at `cursor`: apply live frames strictly after it to stay current."""

    cursor: str
    server_time: str
    recent_events: list[Envelope] = Field(description="the last events, oldest first, as the viewer receives them")
    people: dict[str, str] = Field(description="display names of the viewer and of the people the sections "
                                               "and events mention")
    replay: bool = Field(False, description="true in a state at a past moment (`at`), false in the live one")


def state_model(registry):
    """Return the /state answer model: the core keys and every section the viewer may read."""
    fields = {s.name: (dict[str, s.row] | None, Field(None, description=s.doc))
              for c in registry.concepts for s in c.sections}
    sections = create_model("Sections", __doc__="Each section's rows by key (a viewer gets only the sections it "
                            "may read, each row shaped for it).", **fields)
    return create_model("State", __base__=StateCore, __doc__=StateCore.__doc__, sections=(sections, ...))


State = state_model(registry())


class Liveness(BaseModel):
    """The process runs."""

    status: Literal["ok"]


class Readiness(BaseModel):
    """Whether the event store is reachable and loaded (200 ready, else 503)."""

    status: Literal["ready", "loading", "unavailable"]
    reason: str | None = Field(None, description="why the store is unavailable")
