"""Posts over HTTP: the posts, and a guard going on and off duty."""
from flask import Blueprint

from server.api.common import answered, gw
from server.api.shaping import reply_with_people
from server.api.spec import operation
from server.phase.service import current
from server.posts import service
from server.posts.fold import NAME
from server.posts.models import DutyAnswer, OffDutyRequest, OnDutyRequest, PostsAnswer

bp = Blueprint("posts", __name__, url_prefix="/api/v1")


@bp.get("/posts")
@operation("posts.read", tag="posts", answer=PostsAnswer)
def list_posts(user):
    """Return every post: who is on duty since when, against what the phase in force needs (with display names)."""
    ctx = gw()
    rows = service.rows(ctx, ctx.store.projection(NAME), current(ctx)[0])
    return reply_with_people({"posts": list(rows.values())})


@bp.post("/posts/<post_id>/on-duty")
@operation("posts.duty", tag="posts", body=OnDutyRequest, answer=DutyAnswer, status=201, creating=True,
           errors=(404, 409))
def on_duty(user, post_id, body, idem):
    """Go on duty at a post (leaving any other), relieving the guard named; answers the handover note."""
    return answered(service.go_on_duty(gw(), actor=user.actor(), post_id=post_id, relieves=body.relieves, idem=idem))


@bp.post("/posts/<post_id>/off-duty")
@operation("posts.duty", tag="posts", body=OffDutyRequest, answer=DutyAnswer, status=201, creating=True,
           errors=(404, 409))
def off_duty(user, post_id, body, idem):
    """Go off duty at a post, leaving a handover note for the next guard."""
    return answered(service.go_off_duty(gw(), actor=user.actor(), post_id=post_id, handover=body.handover, idem=idem))
