"""Watchlist over HTTP: parse, authorise, call the service, answer."""
from flask import Blueprint

from server.api.common import answered, gw
from server.api.shaping import reply
from server.api.spec import operation
from server.watchlist import service
from server.watchlist.models import (DecidedAnswer, DecideRequest, EntriesAnswer, EntryAnswer, EntryRequest,
                                     RemovedAnswer, RemoveRequest)

bp = Blueprint("watchlist", __name__, url_prefix="/api/v1")


@bp.post("/watchlist")
@operation("watchlist.manage", tag="watchlist", body=EntryRequest, answer=EntryAnswer, status=201,
           creating=True)
def add(user, body, idem):
    """Add a watchlist entry by ID, name (with aliases) and/or plate (commanders and admins)."""
    return answered(service.add_entry(gw(), actor=user.actor(), idem=idem, **dict(body)))


@bp.get("/watchlist")
@operation("watchlist.manage", tag="watchlist", answer=EntriesAnswer)
def list_entries(user):
    """List the watchlist, newest first (ID numbers masked)."""
    return reply({"entries": service.list_entries(gw())})


@bp.delete("/watchlist/<entry_id>")
@operation("watchlist.manage", tag="watchlist", body=RemoveRequest, answer=RemovedAnswer, errors=(404,))
def remove(user, entry_id, body):
    """Remove a watchlist entry; its sealed ID number is deleted (a second removal answers 404)."""
    return answered(service.remove_entry(gw(), actor=user.actor(), entry_id=entry_id, note=body.note))


@bp.post("/visitors/<visitor_id>/watchlist-hit/confirm")
@operation("watchlist.decide", tag="watchlist", body=DecideRequest, answer=DecidedAnswer, creating=True,
           errors=(404, 409))
def confirm(user, visitor_id, body, idem):
    """Confirm a possible watchlist match (operators and up; its open alert is acknowledged)."""
    return answered(service.decide_hit(gw(), actor=user.actor(), idem=idem, visitor_id=visitor_id,
                                       decision="confirm", note=body.note))


@bp.post("/visitors/<visitor_id>/watchlist-hit/dismiss")
@operation("watchlist.decide", tag="watchlist", body=DecideRequest, answer=DecidedAnswer, creating=True,
           errors=(404, 409))
def dismiss(user, visitor_id, body, idem):
    """Dismiss a possible watchlist match (operators and up; its open alert is acknowledged)."""
    return answered(service.decide_hit(gw(), actor=user.actor(), idem=idem, visitor_id=visitor_id,
                                       decision="dismiss", note=body.note))
