"""Models of the wire contract shared by every concept: the event envelope (DESIGN §5)."""
from pydantic import BaseModel, Field


class Actor(BaseModel):
    """Who caused an event."""

    username: str
    role: str


class Envelope(BaseModel):
    """One event as HTTP answers, the timeline and the live feed carry it."""

    id: str = Field(description="the stream id: the cursor for resume, paging and replay")
    type: str
    v: int = Field(description="version of this type's data model")
    ts: str
    observed_at: str | None = Field(None, description="when it happened, if it was sent later")
    actor: Actor
    venue: str
    data: dict
