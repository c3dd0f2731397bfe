"""Audit entry row, list query and answer models (visibility declared on the fields)."""
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server import events as ev
from server.validation import rule
from server.visibility import COMMANDERS_ONLY


class AuditActor(BaseModel):
    """Who acted."""

    username: str
    role: str


class AuditEntry(BaseModel):
    """One link of the chain: what happened, who did it, and the hashes that chain it."""

    entry_id: str = Field(description="the entry's id in the audit log (a stream id)")
    seq: int = Field(description="its number in the chain, from 1")
    at: str = Field(description="when (ISO 8601 UTC)")
    actor: Annotated[AuditActor, COMMANDERS_ONLY]
    action: str = Field(description="e.g. id.reveal, user.create, phase.override, archive.export")
    subject: Annotated[str, COMMANDERS_ONLY] = Field(description="the visitor, user, entry, phase or day concerned")
    detail: Annotated[dict, COMMANDERS_ONLY] = Field(default_factory=dict, description="ids, counts and reasons; never a name")
    event: str | None = Field(None, description="the stream id of the fact it audits (null: no fact)")
    prev: str = Field(description="SHA-256 of the entry before (64 zeros for the first)")
    hash: str = Field(description="SHA-256 of this entry's canonical JSON (prev included)")


class ChainHead(BaseModel):
    """The newest entry's number and hash: a printed report carries it and so anchors the log."""

    seq: int
    hash: str


class AuditQuery(BaseModel):
    """Paging of the audit log, newest first."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    before: str | None = Field(None, description="entry id: entries before it")
    limit: int = Field(100, ge=1, le=1000)

    @field_validator("before")
    @classmethod
    def _stream_id(cls, value):
        """Accept only ids Redis would accept (two 64-bit parts)."""
        if value is not None and not ev.valid_id(value):
            raise rule("stream_id", "not an entry id (like 1764050000000-0)", "不是条目 ID（如 1764050000000-0）")
        return value


class AuditAnswer(BaseModel):
    """A page of the audit log and the chain head."""

    entries: list[AuditEntry]
    next: str | None = Field(None, description="pass as `before` for the next (older) page")
    head: ChainHead
