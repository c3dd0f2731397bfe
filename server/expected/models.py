"""Expected visitors: request, answer and event data models."""
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from server.concept import EventData
from server.expected.fold import IMPORTED
from server.validation import RequestModel, refuse
from server.identity import idcheck
from server.identity.idcheck import ID_CODES, IdType
from server.wire import event_of


class LookupRequest(RequestModel):
    """A document typed or scanned at the gate (in the body: URLs get logged)."""

    id_type: IdType
    id_number: str = Field(min_length=1, max_length=64, description="checked like a registration's")

    @field_validator("id_number")
    @classmethod
    def _document(cls, number, info: ValidationInfo):
        """Normalise the number and check it against its document type."""
        id_type = info.data.get("id_type")
        if id_type is None:
            return number
        value, error = idcheck.check_id(id_type, number)
        if error is not None:
            raise refuse(ID_CODES.get(error, f"id_format_{id_type}"), error)
        return value


class ExpectedQuery(BaseModel):
    """Which day's list."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    date: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD (venue time); today if left out")


class ImportedData(EventData):
    """visitor.expected_imported: an expected-visitor list was imported (counts only, no names)."""

    import_id: str
    count: int = Field(description="rows imported")
    dates: dict[str, int] = Field(description="rows per day (YYYY-MM-DD)")


class PurgedData(EventData):
    """visitor.expected_purged: one day's expected list passed its retention and was erased."""

    date: str = Field(description="the day whose list was erased (YYYY-MM-DD)")
    count: int = Field(description="rows erased: names, sealed ID numbers, plates, indexes")


class Reason(BaseModel):
    """Why a row was refused, in both languages."""

    en: str
    zh: str


class Rejected(BaseModel):
    """One problem in the file: its line (1 = the header) and column."""

    line: int
    field: str = Field(description="the column's name in the API (name, id_type, …), or `file`")
    column: str = Field("", description="the column's name as the file's header wrote it (姓名, name, …); "
                                         "empty for a problem of the whole file")
    reason: Reason


class ImportedAnswer(BaseModel):
    """The import: how many rows for which days (rejected is empty: any bad row refuses the file)."""

    import_id: str
    imported: int
    dates: dict[str, int]
    rejected: list[Rejected]
    event: event_of("ExpectedImportedEvent", ImportedData, IMPORTED)


class Prefill(BaseModel):
    """What the registration form is filled with for an expected person."""

    expected_id: str
    name: str
    id_type: IdType
    id_masked: str
    organization: str = ""
    host: str = ""
    date: str
    plate: str = ""


class LookupAnswer(BaseModel):
    """The expected row of the document on today's list."""

    expected: Prefill


class ExpectedRow(BaseModel):
    """One expected person and whether they arrived."""

    expected_id: str
    name: str
    id_type: IdType
    id_masked: str
    organization: str = ""
    host: str = ""
    date: str
    plate: str = ""
    plate_unusual: bool = False
    line: int
    arrived: bool
    visitor_id: str | None = None
    arrived_at: str | None = None
    on_site: bool = False


class ExpectedAnswer(BaseModel):
    """One day's expected list against who arrived."""

    date: str
    expected: int
    arrived: int
    dates: list[str] = Field(description="every day an import listed")
    rows: list[ExpectedRow]
