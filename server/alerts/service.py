"""Alert services: acknowledge an open alert."""
import json

from server import events as ev
from server import ledger
from server.alerts.fold import ACKNOWLEDGED, NAME
from server.errors import Conflict, NotFound, Text


def acknowledge_alert(ctx, *, actor, alert_id, idem=None):
    """Acknowledge an open alert; a second acknowledgement is a conflict."""
    raised = ctx.store.projection_fields(NAME, [alert_id]).get(alert_id)
    if not raised:
        raise NotFound(f"No alert {alert_id}.")

    def must_be_open(state):
        """Refuse to acknowledge twice, judged on the state the commit guards."""
        status = (state[NAME].get(alert_id) or {}).get("status")
        if status == "closed":
            raise Conflict(Text("This alert closed itself: its cause is gone.", "此告警已自动关闭：起因已消除。"))
        if status != "open":
            raise Conflict(Text("This alert was already acknowledged.", "此告警已被确认。"))

    checkpoint = json.loads(raised).get("checkpoint_id")
    event = ev.draft(ACKNOWLEDGED, actor=actor, data={"alert_id": alert_id}, locations=[checkpoint])
    return ledger.record(ctx, [event], idem=idem, status=200, rule=must_be_open,
                         body=lambda envs: {"event": envs[0]})
