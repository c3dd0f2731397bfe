"""Vehicles: request, answer and event data models."""
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.concept import EventData
from server.visibility import PLATE, STAFF_ONLY
from server.validation import RequestModel, rule
from server.vehicles.fold import ENTERED, LEFT
from server.identity import idcheck
from server.wire import event_of

Kind = Literal["delegate", "staff", "delivery", "visitor", "official"]


class VehicleRequest(RequestModel):
    """A vehicle through a gate, in or out."""

    plate: str = Field(min_length=1, max_length=20,
                       description="normalised (upper case, half-width, no spaces, · or -); unusual "
                                   "formats are flagged, never refused")
    direction: Literal["in", "out"]
    entrance_id: str = Field(min_length=1, max_length=64)
    kind: Kind
    pass_id: str | None = Field(None, max_length=64, description="the vehicle pass shown, if any")
    visitor_id: str | None = Field(None, max_length=64, description="the registered visitor it brings")

    @field_validator("plate")
    @classmethod
    def _plate(cls, plate):
        """Normalise the plate; one that is empty once normalised is refused."""
        value = idcheck.normalise_plate(plate)[0]
        if not value:
            raise rule("plate_empty", "has no letters or digits", "没有字母或数字")
        return value


class VehiclesQuery(BaseModel):
    """Filters of the vehicle list."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    on_site: bool | None = Field(None, description="true: only those inside now")
    entrance: str | None = Field(None, max_length=64, description="the entrance they came in by")


PLATE_KEY = Field("", description="keyed HMAC of the normalised plate (irreversible): the vehicle's key in "
                                   "the vehicles projection, so no plate is a key there; sealed with the "
                                   "plate when a visitor is named; empty in events before it existed")


class EnteredData(EventData):
    """vehicle.entered: a vehicle came in through a gate."""

    plate: Annotated[str, PLATE]
    plate_key: Annotated[str, STAFF_ONLY] = PLATE_KEY
    plate_unusual: bool = False
    kind: Kind
    entrance_id: str
    pass_id: str | None = None
    visitor_id: str | None = Field(None, description="the visitor it brings: the plate is then sealed under "
                                                     "the visitor's data key")
    no_pass: bool = Field(False, description="the gate requires a pass and none was shown (alerted)")
    purged: bool = Field(False, description="its visitor was purged: the plate is erased (empty)")


class LeftData(EventData):
    """vehicle.left: a vehicle went out through a gate."""

    plate: Annotated[str, PLATE]
    plate_key: Annotated[str, STAFF_ONLY] = PLATE_KEY
    plate_unusual: bool = False
    kind: Kind
    entrance_id: str
    pass_id: str | None = None
    visitor_id: str | None = None
    purged: bool = Field(False, description="its visitor was purged: the plate is erased (empty)")


class Vehicle(BaseModel):
    """A vehicle as last seen at the gates."""

    plate: Annotated[str, PLATE]
    plate_unusual: bool = False
    kind: Kind
    entrance_id: str = Field(description="the gate it came in by")
    pass_id: str | None = None
    visitor_id: str | None = None
    no_pass: bool = False
    visit_id: str | None = Field(None, description="the id of the event it came in with")
    on_site: bool
    entered_at: str
    entered_by: str
    left_at: str | None = None
    exit_entrance_id: str | None = None


class GateCount(BaseModel):
    """Vehicles on site that came in by one entrance."""

    entrance_id: str
    count: int


class VehicleCounts(BaseModel):
    """Vehicles on site: in total and per entrance they came in by."""

    total: int
    by_entrance: dict[str, int]


class LoggedAnswer(BaseModel):
    """The vehicle after the movement, and the recorded event."""

    vehicle: Vehicle
    event: event_of("VehicleEvent", EnteredData, ENTERED) | event_of("VehicleLeftEvent", LeftData, LEFT)


class VehiclesAnswer(BaseModel):
    """Vehicles, latest entry first, and the counts on site."""

    vehicles: list[Vehicle]
    on_site: VehicleCounts
