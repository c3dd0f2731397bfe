"""Watchlist: request, answer and event data models (validation and API docs alike)."""
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from server.concept import EventData
from server.validation import RequestModel, refuse, rule
from server.visibility import FREE_TEXT, STAFF_ONLY
from server.identity import idcheck
from server.identity.idcheck import ID_CODES, IdType
from server.watchlist.fold import ADDED, REMOVED
from server.watchlist.hits import CONFIRMED, DENIED, DISMISSED
from server.wire import event_of

Action = Literal["alert", "deny"]
Match = Literal["exact", "possible"]
MatchedOn = Literal["id", "plate", "name", "alias"]


class EntryRequest(RequestModel):
    """Someone (or a vehicle) the gates must catch: by ID, by name (with aliases), by plate."""

    name: str | None = Field(None, max_length=100, description="matched by characters, width, case, "
                                                                "traditional/simplified and pinyin")
    aliases: list[str] = Field(default_factory=list, max_length=10,
                               description="other names or spellings, matched like the name")
    id_type: IdType | None = None
    id_number: str | None = Field(None, max_length=64,
                                  description="checked by type; stored encrypted, answered masked")
    plate: str | None = Field(None, max_length=20, description="normalised like visitors' plates")
    action: Action = Field(description="alert: registration proceeds, the control room is alerted; "
                                       "deny: an exact ID or plate match refuses the registration")
    reason: str = Field(min_length=1, max_length=500)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, aliases):
        """Trim aliases, drop empty ones and refuse an overlong one."""
        kept = [a.strip() for a in aliases if a and a.strip()]
        if any(len(a) > 100 for a in kept):
            raise rule("alias_too_long", "each alias must be at most 100 characters", "每个别名最多 100 个字符")
        return kept

    @field_validator("id_number")
    @classmethod
    def _document(cls, number, info: ValidationInfo):
        """Normalise the number and check it against its document type (chosen first)."""
        if not number:
            return None
        if "id_type" not in info.data:
            return number  # the type itself is wrong: that error is enough
        id_type = info.data["id_type"]
        if id_type is None:
            raise rule("id_type_first", "choose the document type first", "请先选择证件类型")
        value, error = idcheck.check_id(id_type, number)
        if error is not None:
            raise refuse(ID_CODES.get(error, f"id_format_{id_type}"), error)
        return value

    @field_validator("plate")
    @classmethod
    def _plate(cls, plate):
        """Normalise the plate (never refuse one)."""
        return (idcheck.normalise_plate(plate)[0] if plate else "") or None


class RemoveRequest(RequestModel):
    """Why the entry is removed (optional)."""

    note: str | None = Field(None, max_length=500)


class DecideRequest(RequestModel):
    """An operator's decision on a possible match, with an optional note."""

    note: str | None = Field(None, max_length=500)


class EntryAddedData(EventData):
    """watchlist.entry_added: an entry was added (the ID number only masked)."""

    entry_id: str
    name: str = ""
    aliases: list[str] = Field(default_factory=list)
    id_type: IdType | None = None
    id_masked: str = Field("", description="first 6 and last 4 characters; the number is sealed apart")
    plate: str = ""
    action: Action
    reason: str


class EntryRemovedData(EventData):
    """watchlist.entry_removed: an entry was taken off the list."""

    entry_id: str
    note: str = ""


class HitData(EventData):
    """visitor.watchlist_hit: a registered visitor matched an entry (exact: ID or plate; possible: name)."""

    visitor_id: str
    entry_id: str = Field(description="the strongest matching entry")
    match: Match
    matched_on: MatchedOn
    action: Action
    entrance_id: str
    alert_id: str
    entry_name: Annotated[str, STAFF_ONLY] = Field("", description="the entry's name, for the operator comparing them")
    reason: Annotated[str, STAFF_ONLY] = ""
    other_entry_ids: list[str] = Field(default_factory=list, description="further entries that matched")


class DeniedData(EventData):
    """visitor.denied: an exact match on a deny entry refused a registration; the person is not on site."""

    visitor_id: str = Field(description="the refused attempt's id (no visitor record is kept on site)")
    name: str
    id_type: IdType
    id_masked: str
    entrance_id: str
    plate: str = ""
    entry_id: str
    matched_on: Literal["id", "plate"]
    alert_id: str
    reason: Annotated[str, STAFF_ONLY] = ""


class DecidedData(EventData):
    """visitor.watchlist_confirmed / _dismissed: an operator decided a possible match."""

    visitor_id: str
    entry_id: str
    note: Annotated[str, FREE_TEXT] = ""


class Entry(BaseModel):
    """A watchlist entry as commanders and admins see it (the ID number masked)."""

    entry_id: str
    name: str = ""
    aliases: list[str] = []
    id_type: IdType | None = None
    id_masked: str = ""
    plate: str = ""
    action: Action
    reason: str
    added_by: str
    added_at: str


class Hit(BaseModel):
    """A watchlist hit the control room may still act on."""

    visitor_id: str
    entry_id: str
    match: Match
    matched_on: MatchedOn
    action: Action
    entrance_id: str
    alert_id: str
    entry_name: Annotated[str, STAFF_ONLY] = ""
    reason: Annotated[str, STAFF_ONLY] = ""
    other_entry_ids: list[str] = []
    status: Literal["open", "confirmed", "dismissed"]
    raised_at: str


class EntryAnswer(BaseModel):
    """The recorded entry and its event."""

    entry: Entry
    event: event_of("EntryAddedEvent", EntryAddedData, ADDED)


class EntriesAnswer(BaseModel):
    """The watchlist, newest first."""

    entries: list[Entry]


class RemovedAnswer(BaseModel):
    """The removal event."""

    event: event_of("EntryRemovedEvent", EntryRemovedData, REMOVED)


class DecidedAnswer(BaseModel):
    """The decision event (and the alert it acknowledged, if it was still open)."""

    hit: Hit
    event: event_of("WatchlistDecidedEvent", DecidedData, CONFIRMED, DISMISSED)


class DenialError(BaseModel):
    """The error part of a denial: code visitor_denied, the instruction in the caller's language."""

    code: Literal["visitor_denied"]
    message: str
    fields: dict


class Denial(BaseModel):
    """Who was refused, as the guard's screen shows it (no reason, no full ID)."""

    visitor_id: str
    name: str
    id_masked: str
    entrance_id: str


class DeniedAnswer(BaseModel):
    """409 after a recorded refusal: hold the person and call the control room."""

    error: DenialError
    denied: Literal[True]
    instruction: dict[str, str] = Field(description='{"en": …, "zh": …}: what the guard must do now')
    denial: Denial
    event: event_of("DeniedEvent", DeniedData, DENIED)

