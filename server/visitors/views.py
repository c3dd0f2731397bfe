"""Visitors over HTTP: parse, authorise, call the service, answer."""
import json

from flask import Blueprint, current_app

from server.api.common import answered, gw, lang
from server.api.shaping import reply, shaped_text, viewer_of
from server.api.spec import operation
from server.visitors import service
from server.visitors.models import (CheckedOutAnswer, CheckoutRequest, LeftUnrecordedAnswer, LeftUnrecordedRequest,
                                    RegisteredAnswer, RegisterRequest, RevealAnswer, VisitorAnswer, VisitorsAnswer,
                                    VisitorsQuery)
from server.watchlist.match import in_language
from server.watchlist.models import DeniedAnswer

bp = Blueprint("visitors", __name__, url_prefix="/api/v1")


@bp.post("/visitors")
@operation("visitors.register", tag="visitors", body=RegisterRequest, answer=RegisteredAnswer,
           status=201, creating=True, answers={409: DeniedAnswer}, errors=(410,))
def register(user, body, idem):
    """Register a visitor at a gate (the ID number is checked, stored encrypted, answered masked).

    An exact watchlist match on a deny entry answers 409 `visitor_denied`: recorded, not on site.
    A replay (same Idempotency-Key) once the visitor's personal data was purged answers 410.
    """
    committed = service.register_visitor(gw(), actor=user.actor(), idem=idem, **dict(body))
    return answered(in_language(committed, lang()))


@bp.post("/visitors/<visitor_id>/checkout")
@operation("visitors.checkout", tag="visitors", body=CheckoutRequest, answer=CheckedOutAnswer,
           creating=True, errors=(404, 409, 410))
def checkout(user, visitor_id, body, idem):
    """Record a visitor leaving; a second check-out answers 409 with the visitor as now.

    `left_at` records a late check-out (an operator resolving the roll after clearance): the
    envelope's `observed_at` and the visitor's `checked_out_at` are when they left.

    A replay (same Idempotency-Key) once the visitor's personal data was purged answers 410.
    """
    return answered(service.checkout_visitor(gw(), actor=user.actor(), idem=idem, visitor_id=visitor_id,
                                             entrance_id=body.entrance_id, left_at=body.left_at))


@bp.post("/visitors/<visitor_id>/left-unrecorded")
@operation("visitors.resolve", tag="visitors", body=LeftUnrecordedRequest, answer=LeftUnrecordedAnswer,
           creating=True, errors=(404, 409, 410))
def left_unrecorded(user, visitor_id, body, idem):
    """Take a visitor off the roll who left without a recorded check-out (operator; on the timeline).

    A visitor no longer on the roll answers 409 with the visitor as now.
    """
    return answered(service.record_left_unrecorded(gw(), actor=user.actor(), idem=idem, visitor_id=visitor_id,
                                                   note=body.note))


@bp.get("/visitors")
@operation("visitors.read", tag="visitors", query=VisitorsQuery, answer=VisitorsAnswer)
def list_visitors(user, query):
    """List visitors, newest first (ID masked; a display sees 张* and no phone)."""
    rows = service.list_visitors(gw(), viewer=viewer_of(user), on_site=query.on_site, entrance=query.entrance,
                                 q=query.q)
    return reply({"visitors": rows})


@bp.get("/visitors/<visitor_id>")
@operation("visitors.read", tag="visitors", answer=VisitorAnswer, errors=(404,))
def get_visitor(user, visitor_id):
    """Return one visitor as the caller may read it; its history for staff and the registering guard."""
    visitor, history = service.visitor_with_history(gw(), viewer=viewer_of(user), visitor_id=visitor_id)
    return reply({"visitor": visitor, "history": history})


@bp.post("/visitors/<visitor_id>/reveal")
@operation("visitors.reveal", tag="visitors", answer=RevealAnswer, creating=True, errors=(404, 410))
def reveal(user, visitor_id, idem):
    """Return a visitor's full ID number (commanders; every reveal is recorded)."""
    committed, number = service.reveal_id(gw(), actor=user.actor(), idem=idem, visitor_id=visitor_id)
    body = dict(json.loads(shaped_text(committed.body_text, committed.status)), id_number=number)
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=committed.status,
                                          mimetype="application/json")
    if committed.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
