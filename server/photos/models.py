"""Photos: answer and event data models."""
from typing import Annotated

from pydantic import BaseModel, Field

from server.concept import EventData
from server.validation import RequestModel

MAX_PER_RECORD = 5  # photos on one incident (or, later, one hazard)
PhotoId = Annotated[str, Field(min_length=1, max_length=64)]


class PhotoData(EventData):
    """photo.uploaded: a photo was stored, re-encoded and without metadata (not its bytes)."""

    photo_id: str
    media_type: str = Field(description="always image/jpeg: every upload is re-encoded")
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    bytes: int = Field(ge=1, description="size of the stored image")


class DiscardedData(EventData):
    """photo.discarded: an unattached photo was deleted by the watcher."""

    photo_id: str
    reason: str = Field(description="unattached: nothing referenced it within a day")


class Photo(BaseModel):
    """A stored photo's description."""

    photo_id: str
    width: int
    height: int
    bytes: int
    media_type: str


class PhotoAnswer(BaseModel):
    """The stored photo (attach it by listing its id in `photo_ids`)."""

    photo: Photo


class AttachRequest(RequestModel):
    """Photos uploaded before (POST /api/v1/photos), to attach."""

    photo_ids: list[PhotoId] = Field(min_length=1, max_length=MAX_PER_RECORD,
                                 description="ids answered by POST /api/v1/photos")


UPLOAD_FORM = {"type": "object", "required": ["file"],
               "properties": {"file": {"type": "string", "format": "binary",
                                       "description": "a JPEG, PNG or WebP image"}}}
