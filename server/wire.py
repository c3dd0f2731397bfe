"""Models of the wire contract shared by every concept: the event envelope (DESIGN §5)."""
from typing import Literal

from pydantic import BaseModel, Field, create_model


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


def event_of(name, data, *types):
    """Return the Envelope model of an answer's event: one of `types`, its `data` model known."""
    return create_model(name, __base__=Envelope, __doc__=f"A {' or '.join(types)} event.",
                        type=(Literal[types], ...), data=(data, ...))
