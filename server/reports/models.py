"""The report's query, and its parts' rows with who may read each field (server/visibility.py)."""
import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from server.validation import RequestModel, rule
from server.visibility import FREE_TEXT, PERSON

FORMATS = ("json", "csv", "html", "xlsx")
MAX_DAYS = 62  # a congress lasts days, not months: a longer range is a typo (and a long CPU run)
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class ReportQuery(RequestModel):
    """Which venue-local days, in which format (no dates: the whole event, first event to today)."""

    from_: str | None = Field(None, alias="from", pattern=DATE, description="first venue-local day, YYYY-MM-DD")
    to: str | None = Field(None, pattern=DATE, description="last venue-local day (included); default: `from`")
    meeting: str | None = Field(None, max_length=80, description="a meeting of the programme (DATE.MEETING): "
                                "report its window instead of days, from its check's start to the next meeting's")
    format: Literal["json", "csv", "html", "xlsx"] = Field("json", description="csv: a zip of one file per part")
    lang: str | None = Field(None, max_length=16, description="html, csv, xlsx: zh-CN (default) or en")

    @field_validator("from_", "to")
    @classmethod
    def _real_day(cls, value):
        """Refuse a day the calendar does not have (2026-02-30)."""
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise rule("no_such_day", "is not a day of the calendar", "日期不存在") from None
        return value

    @field_validator("to")
    @classmethod
    def _after_from(cls, value, info: ValidationInfo):
        """Refuse a range that ends before it starts, or spans more than MAX_DAYS."""
        first = info.data.get("from_")
        if value is None or not first:
            return value
        days = (dt.date.fromisoformat(value) - dt.date.fromisoformat(first)).days
        if days < 0:
            raise rule("to_before_from", "is before from", "早于开始日期")
        if days >= MAX_DAYS:
            raise rule("range_too_long", f"at most {MAX_DAYS} days", f"最多 {MAX_DAYS} 天")
        return value


class Row(BaseModel):
    """A row of a report table: figures anyone reading the report may see (undeclared keys: staff)."""

    model_config = ConfigDict(extra="allow")


class PaddingRow(Row):
    """A repeated check-in of one point by one guard within a minute."""

    checkpoint_id: str
    guard: Annotated[str, PERSON]
    at: str
    seconds_after_previous: int


class SopSkippedRow(Row):
    """A resolution that left SOP steps unticked."""

    incident_id: str
    category: str
    resolved_at: str
    steps: str = Field(description="1-based SOP step numbers, comma-separated")
    reason: Annotated[str, FREE_TEXT]


class AgencyRow(Row):
    """An agency notified about an incident."""

    incident_id: str
    agency: str
    at: str
    reference: Annotated[str, FREE_TEXT]


class OverrideRow(Row):
    """A phase change a commander forced past an unready gate."""

    at: str
    phase: str
    reason: Annotated[str, FREE_TEXT]
    missing: str


class GuardRow(Row):
    """One guard's activity over the report's days."""

    guard: Annotated[str, PERSON]
    display_name: Annotated[str, PERSON]
    first: str
    last: str
    checkins: int
    visitors: int
    incidents: int
    inspections: int
    clearance_confirmations: int
    duty_starts: int = 0


# Tables whose rows name people or hold free text: the rest hold ids and counts only.
TABLE_ROWS = {("patrols", "padding"): PaddingRow, ("incidents", "sop_skipped"): SopSkippedRow,
              ("incidents", "agencies"): AgencyRow, ("inspections", "overrides"): OverrideRow,
              ("guards", "guards"): GuardRow}


class Part(BaseModel):
    """One part: headline figures, and tables of rows."""

    summary: dict[str, int | float | str | None]
    tables: dict[str, list[Row]]


class Report(BaseModel):
    """The after-action report as JSON: the same figures the HTML, XLSX and CSV forms show."""

    venue: dict = Field(description="{id, name, timezone}")
    first_day: str
    last_day: str
    start: str = Field(description="the first day's venue-local midnight (ISO 8601 UTC)")
    end: str = Field(description="the midnight after the last day (exclusive)")
    generated_at: str
    generated_for: dict = Field(description="{username, role} of the reader it was shaped for")
    events_read: int
    audit_chain_head: dict | None = Field(None, description="the audit log's head when the report was made "
                                                            "(null while no audit log is installed)")
    parts: dict[Literal["patrols", "visitors", "incidents", "inspections", "clearance", "guards"], Part]
