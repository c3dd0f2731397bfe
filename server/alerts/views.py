"""Alerts over HTTP."""
from flask import Blueprint

from server.alerts import fold, service
from server.alerts.models import AcknowledgeAnswer, AcknowledgeRequest, AlertsAnswer
from server.api.common import answered, gw
from server.api.shaping import reply
from server.api.spec import operation

bp = Blueprint("alerts", __name__, url_prefix="/api/v1")


@bp.get("/alerts")
@operation("alerts.read", tag="alerts", answer=AlertsAnswer)
def list_alerts(user):
    """Return open alerts, most severe first, then oldest first."""
    return reply({"alerts": fold.open_alerts(gw().store.projection(fold.NAME))})


@bp.post("/alerts/<alert_id>/acknowledge")
@operation("alerts.acknowledge", tag="alerts", body=AcknowledgeRequest, answer=AcknowledgeAnswer,
           creating=True, errors=(404, 409))
def acknowledge(user, alert_id, body, idem):
    """Acknowledge an open alert (a second acknowledgement answers 409)."""
    return answered(service.acknowledge_alert(gw(), actor=user.actor(), alert_id=alert_id, idem=idem))
