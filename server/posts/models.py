"""Posts: request, answer, event-data and row models (validation and API docs alike)."""
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from server.concept import EventData
from server.posts.fold import OFF_DUTY, ON_DUTY
from server.validation import RequestModel
from server.visibility import FREE_TEXT, PERSON
from server.wire import event_of

Staffing = Literal["staffed", "short", "unstaffed", "not_needed"]


class OnDutyRequest(RequestModel):
    """Go on duty at a post, relieving a guard there if you name one."""

    relieves: str | None = Field(None, min_length=1, max_length=64,
                                 description="the username of the guard you take over from")


class OffDutyRequest(RequestModel):
    """Go off duty, leaving pass-down orders for whoever takes the post next."""

    handover: str | None = Field(None, max_length=500, description="handover note: the next guard reads it first")


class PostOnDutyData(EventData):
    """post.on_duty: a guard took up a post (relieving another when `relieves` is set)."""

    post_id: str
    relieves: Annotated[str | None, PERSON] = Field(None, description="the guard relieved: off duty by this fact")


class PostOffDutyData(EventData):
    """post.off_duty: a guard left a post, possibly with a handover note."""

    post_id: str
    handover: Annotated[str, FREE_TEXT] = Field("", description="pass-down orders for the next guard")


class GuardOnDuty(BaseModel):
    """One guard on duty at a post."""

    username: Annotated[str, PERSON]
    since: str


class Handover(BaseModel):
    """The last handover note left at a post."""

    note: Annotated[str, FREE_TEXT]
    by: Annotated[str, PERSON]
    at: str


class PostRow(BaseModel):
    """A post as the wall and the phone show it: who stands there since when, against what is needed."""

    post_id: str
    name: dict[str, str] = Field(description="the post's name: {zh-CN, en}")
    zone_id: str | None = None
    needed: int = Field(description="guards the post needs in the phase in force")
    staffing: Staffing
    on_duty: list[GuardOnDuty]
    handover: Handover | None = None


class PostsAnswer(BaseModel):
    """Every post of the venue."""

    posts: list[PostRow]
    people: dict[str, str] = Field(default_factory=dict, description="display names of the guards the posts name")


class DutyAnswer(BaseModel):
    """The post as the change leaves it; going on duty, the handover note to read first."""

    post: PostRow
    handover: Handover | None = None
    events: list[event_of("PostOnDutyEvent", PostOnDutyData, ON_DUTY) | event_of("PostOffDutyEvent", PostOffDutyData, OFF_DUTY)]
