"""Check-ins and patrol status over HTTP: parse, authorise, call the service, answer."""
from flask import Blueprint

from server import phase
from server.api.common import answered, gw
from server.api.shaping import reply
from server.api.spec import operation
from server.patrols import fold, service
from server.patrols.models import CheckinAnswer, CheckinRequest, PatrolsAnswer
from server.events import utc_now

bp = Blueprint("patrols", __name__, url_prefix="/api/v1")


@bp.post("/checkins")
@operation("checkin.create", tag="patrols", body=CheckinRequest, answer=CheckinAnswer,
           status=201, creating=True)
def create_checkin(user, body, idem):
    """Record a patrol check-in.

    `observed_at` may lie up to 7 days back (a phone's outbox); up to 5 minutes ahead it is
    clamped to the server's time, farther ahead it is refused. With `code` (a scanned checkpoint
    QR code) the check-in is recorded as method qr once its signature is verified; a forged code,
    one of another venue or one signed by a retired key is refused (400, field `code`).
    """
    return answered(service.record_checkin(gw(), actor=user.actor(), idem=idem, checkpoint_id=body.checkpoint_id,
                                           status=body.status, note=body.note, observed_at=body.observed_at,
                                           code=body.code))


@bp.get("/patrols")
@operation("patrols.read", tag="patrols", answer=PatrolsAnswer)
def list_patrols(user):
    """Return each checkpoint's last check-in, due time and overdue flag (and the phase)."""
    ctx = gw()
    _, proj = ctx.store.snapshot([phase.NAME, fold.NAME])
    current, since = phase.current(ctx, proj[phase.NAME])
    rows = fold.status_rows(ctx.venue, current, since, proj[fold.NAME], utc_now())
    return reply({"patrols": rows, "phase": current, "phase_since": since})
