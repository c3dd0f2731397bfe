"""The phase over HTTP."""
from flask import Blueprint

from server.api.common import answered, gw
from server.api.spec import operation
from server.phase import service
from server.phase.models import PhaseAnswer, PhaseRequest

bp = Blueprint("phase", __name__, url_prefix="/api/v1")


@bp.post("/phase")
@operation("phase.change", tag="phase", body=PhaseRequest, answer=PhaseAnswer, status=201,
           creating=True, errors=(409,))
def change_phase(user, body, idem):
    """Move the venue to another phase (commander).

    Entering in_session while the readiness gate says not ready answers 409 naming what is
    missing, unless an `override_reason` is given (recorded in the event).
    """
    return answered(service.change_phase(gw(), actor=user.actor(), phase=body.phase, idem=idem,
                                         override_reason=body.override_reason))
