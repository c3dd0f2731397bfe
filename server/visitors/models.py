"""Visitors: request, answer and event data models (validation and API docs alike)."""
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from server.concept import EventData
from server.validation import IsoTime, RequestModel, refuse
from server.identity import idcheck
from server.identity.idcheck import ID_CODES, IdType
from server.visitors.fold import CHECKED_OUT, LEFT_UNRECORDED, REGISTERED, REVEALED
from server.visibility import FREE_TEXT, PLATE, VISITOR_DETAIL, masked_name
from server.wire import Envelope, event_of

NAME = masked_name(idcheck.mask_name)



class RegisterRequest(RequestModel):
    """A visitor questioned and registered at a gate."""

    name: str = Field(min_length=1, max_length=100)
    id_type: IdType
    id_number: str = Field(min_length=1, max_length=64,
                           description="checked by type (resident_id: GB 11643 check character); "
                                       "stored encrypted, answered masked")
    phone: str | None = Field(None, max_length=40, description="mainland mobile, or + country code")
    organization: str | None = Field(None, max_length=200)
    purpose: str = Field(min_length=1, max_length=500)
    host: str | None = Field(None, max_length=100, description="whom the visitor comes to see")
    entrance_id: str = Field(min_length=1, max_length=64)
    plate: str | None = Field(None, max_length=20, description="normalised; unusual plates are flagged")
    badge: str | None = Field(None, max_length=40)
    expected_until: IsoTime | None = Field(None, description="when the visitor is expected to leave")

    @field_validator("id_number")
    @classmethod
    def _document(cls, number, info: ValidationInfo):
        """Normalise the number and check it against its document type."""
        id_type = info.data.get("id_type")
        if id_type is None:
            return number  # the type itself is wrong: that error is enough
        value, error = idcheck.check_id(id_type, number)
        if error is not None:
            raise refuse(ID_CODES.get(error, f"id_format_{id_type}"), error)
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, phone):
        """Check a mainland mobile strictly, anything else loosely."""
        if not phone:
            return None
        value, error = idcheck.check_phone(phone)
        if error is not None:
            raise refuse("phone_format", error)
        return value

    @field_validator("plate")
    @classmethod
    def _plate(cls, plate):
        """Normalise the plate (never refuse one: unusual plates are flagged)."""
        value = idcheck.normalise_plate(plate)[0] if plate else ""
        return value or None


class CheckoutRequest(RequestModel):
    """A visitor leaving through a gate."""

    entrance_id: str = Field(min_length=1, max_length=64)
    left_at: IsoTime | None = Field(None, description="a late check-out: when the visitor left (up to 7 days "
                                                      "back, not in the future); omitted: now")


class LeftUnrecordedRequest(RequestModel):
    """A visitor who left without a recorded check-out, taken off the roll by an operator."""

    note: str | None = Field(None, max_length=500, description="how it was established (e.g. host confirmed)")


class VisitorsQuery(BaseModel):
    """Filters of the visitor list."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    on_site: bool | None = Field(None, description="true: only those inside now")
    entrance: str | None = Field(None, max_length=64, description="the entrance they came in by")
    q: str | None = Field(None, max_length=64,
                          description="matches name, organization, host, plate, or the ID's last four")


PURGED_FIELD = Field(False, description="the personal fields were erased (the purge): name is the masked "
                                        "form, the others are empty")


class RegisteredData(EventData):
    """visitor.registered: a visitor was registered at a gate (never the full ID number).

    name, phone, organization, purpose, host and plate are stored only sealed under the
    visitor's data key (the stream keeps the masked name in the clear); readers receive them
    opened, or `purged` once the purge erased that key.
    """

    visitor_id: str
    name: Annotated[str, NAME]
    id_type: IdType
    id_masked: str = Field(description="first 6 and last 4 characters of the ID number")
    phone: Annotated[str, VISITOR_DETAIL] = ""
    organization: Annotated[str, VISITOR_DETAIL] = ""
    purpose: Annotated[str, VISITOR_DETAIL]
    host: Annotated[str, VISITOR_DETAIL] = ""
    entrance_id: str
    plate: Annotated[str, PLATE] = ""
    plate_unusual: bool = False
    badge: str = ""
    expected_until: str | None = None
    returning: bool = Field(False, description="the same document was registered before")
    purged: bool = PURGED_FIELD
    expected: bool = Field(False, description="on today's expected list (see expected_id)")
    expected_id: str | None = None


class CheckedOutData(EventData):
    """visitor.checked_out: a visitor left (the name is stored sealed, like the registration's)."""

    visitor_id: str
    name: Annotated[str, NAME]
    entrance_id: str
    late: bool = Field(False, description="recorded afterwards; the envelope's observed_at is when they left")
    purged: bool = PURGED_FIELD


class LeftUnrecordedData(EventData):
    """visitor.left_unrecorded: a visitor left without a recorded check-out (taken off the roll)."""

    visitor_id: str
    name: Annotated[str, NAME]
    entrance_id: str = Field(description="the entrance they were registered at")
    note: Annotated[str, FREE_TEXT] = ""
    purged: bool = PURGED_FIELD


class RevealedData(EventData):
    """visitor.id_revealed: a commander read a visitor's full ID number (the audit trail)."""

    visitor_id: str
    id_type: IdType
    id_masked: str


class PurgedData(EventData):
    """visitor.purged: personal data of visitors who left before the retention horizon was erased."""

    before: str = Field(description="the horizon: visitors who left before it (ISO 8601 UTC)")
    count: int = Field(description="how many visitors' name, phone, plate and ID number were erased")
    visitor_ids: list[str] = Field(description="their (anonymous) ids, so the fold can replay it")


class Visitor(BaseModel):
    """One visitor as the caller's role may see them (phone and full name: operators and up)."""

    visitor_id: str
    name: Annotated[str, NAME]
    id_type: IdType
    id_masked: str
    phone: Annotated[str | None, VISITOR_DETAIL] = None
    organization: Annotated[str, VISITOR_DETAIL] = ""
    purpose: Annotated[str, VISITOR_DETAIL] = ""
    host: Annotated[str, VISITOR_DETAIL] = ""
    entrance_id: str
    plate: Annotated[str, PLATE] = ""
    plate_unusual: bool = False
    badge: str = ""
    expected_until: str | None = None
    returning: bool = False
    expected: bool = False
    expected_id: str | None = None
    watchlist_hit: bool = False
    purged: bool = Field(False, description="personal data erased after the retention period")
    on_site: bool
    registered_at: str
    registered_by: str
    checked_out_at: str | None = None
    exit_entrance_id: str | None = None
    checked_out_late: bool = Field(False, description="the check-out was recorded afterwards")
    left_unrecorded_at: str | None = Field(None, description="taken off the roll: left without a recorded "
                                                              "check-out")


class RegisteredAnswer(BaseModel):
    """The registered visitor and the recorded event."""

    visitor: Visitor
    event: event_of("RegisteredEvent", RegisteredData, REGISTERED)


class CheckedOutAnswer(BaseModel):
    """The visitor after leaving and the recorded event."""

    visitor: Visitor
    event: event_of("CheckedOutEvent", CheckedOutData, CHECKED_OUT)


class LeftUnrecordedAnswer(BaseModel):
    """The visitor off the roll and the recorded event."""

    visitor: Visitor
    event: event_of("LeftUnrecordedEvent", LeftUnrecordedData, LEFT_UNRECORDED)


class VisitorsAnswer(BaseModel):
    """Visitors, newest first."""

    visitors: list[Visitor]


class VisitorAnswer(BaseModel):
    """One visitor with its history (oldest first)."""

    visitor: Visitor
    history: list[Envelope]


class RevealAnswer(BaseModel):
    """The full ID number (never stored in the answer kept for replays) and the audit event."""

    visitor_id: str
    id_number: str
    event: event_of("RevealedEvent", RevealedData, REVEALED)
