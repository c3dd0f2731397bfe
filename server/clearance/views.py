"""Clearance over HTTP: the board, and a guard's zone confirmation."""
from flask import Blueprint

from server.api.common import answered, gw
from server.api.shaping import reply_with_people
from server.api.spec import operation
from server.clearance import service
from server.clearance.models import ClearanceAnswer, ConfirmAnswer, ConfirmRequest
from server.visitors import fold as visitors

bp = Blueprint("clearance", __name__, url_prefix="/api/v1")


@bp.get("/clearance")
@operation("clearance.read", tag="clearance", answer=ClearanceAnswer)
def show(user):
    """Return the clearance round: each zone, who cleared it (with `people`' display names) and when,
    and who is still on site."""
    ctx = gw()
    on_site = visitors.listed(ctx.store.projection(visitors.NAME), on_site=True)
    return reply_with_people({**service.board(ctx, service.current_round(ctx)), "visitors_on_site": on_site})


@bp.post("/clearance/<zone_id>")
@operation("clearance.confirm", tag="clearance", body=ConfirmRequest, answer=ConfirmAnswer, status=201,
           creating=True, errors=(404, 409))
def confirm(user, zone_id, body, idem):
    """Confirm a zone swept (people_found 0 clears it; more keeps it open for another sweep)."""
    return answered(service.confirm_zone(gw(), actor=user.actor(), zone_id=zone_id, idem=idem,
                                         people_found=body.people_found, note=body.note))
