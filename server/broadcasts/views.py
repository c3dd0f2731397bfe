"""Broadcasts over HTTP, and the phone's task list (assignments and messages)."""
from flask import Blueprint

from server.api.common import answered, gw
from server.api.shaping import reply
from server.api.spec import operation
from server.broadcasts import fold, service
from server.broadcasts.models import (BroadcastAcknowledgedAnswer, BroadcastAcknowledgeRequest, BroadcastRequest,
                                      BroadcastsAnswer, BroadcastSentAnswer, TasksAnswer)

bp = Blueprint("broadcasts", __name__, url_prefix="/api/v1")


@bp.post("/broadcasts")
@operation("broadcasts.send", tag="broadcasts", body=BroadcastRequest, answer=BroadcastSentAnswer, status=201,
           creating=True)
def send(user, body, idem):
    """Send a message to every guard, a role or one user (operators and up)."""
    return answered(service.send_broadcast(gw(), actor=user.actor(), idem=idem, **body.model_dump()))


@bp.post("/broadcasts/<broadcast_id>/acknowledge")
@operation("broadcasts.acknowledge", tag="broadcasts", body=BroadcastAcknowledgeRequest,
           answer=BroadcastAcknowledgedAnswer, creating=True, errors=(404, 409))
def acknowledge(user, broadcast_id, body, idem):
    """Acknowledge a message sent to you (a second acknowledgement is 409; 403 if not yours)."""
    return answered(service.acknowledge(gw(), actor=user.actor(), broadcast_id=broadcast_id, idem=idem))


@bp.get("/broadcasts")
@operation("broadcasts.read", tag="broadcasts", answer=BroadcastsAnswer)
def list_broadcasts(user):
    """Return recent messages, newest first, with who acknowledged (a guard: the guard's own)."""
    entries = gw().store.projection(fold.NAME)
    return reply({"broadcasts": service.listed(entries, user.role, user.username)})


@bp.get("/me/tasks")
@operation("broadcasts.read", tag="broadcasts", answer=TasksAnswer)
def my_tasks(user):
    """Return your open assignments and the messages sent to you, newest first."""
    return reply(service.tasks(gw(), user.username))
