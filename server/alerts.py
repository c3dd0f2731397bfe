"""Alerts that need a human: fold and the acknowledge service."""
import json

from server import events as ev
from server import ledger
from server.errors import Conflict, NotFound

NAME = "alerts"


def touches(event):
    """Return the alert entries an event may change."""
    if event["type"] in (ev.ALERT_RAISED, ev.ALERT_ACKNOWLEDGED):
        return [event["data"]["alert_id"]]
    return []


def apply(state, event):
    """Fold an alert being raised or acknowledged."""
    alert_id = event["data"].get("alert_id")
    if event["type"] == ev.ALERT_RAISED:
        entry = {k: v for k, v in event["data"].items()}
        entry.update({"raised_at": event["ts"], "raised_event_id": event["id"], "status": "open"})
        return {alert_id: entry}
    if event["type"] == ev.ALERT_ACKNOWLEDGED and state.get(alert_id):
        entry = dict(state[alert_id])
        entry.update({"status": "acknowledged", "acknowledged_at": event["ts"],
                      "acknowledged_by": event["actor"]["username"]})
        return {alert_id: entry}
    return {}


def open_alerts(entries):
    """Return open alerts, newest first."""
    rows = [a for a in entries.values() if a.get("status") == "open"]
    return sorted(rows, key=lambda a: a["raised_at"], reverse=True)


def acknowledge_alert(ctx, *, actor, alert_id, idem=None):
    """Acknowledge an open alert; a second acknowledgement is a conflict."""
    raised = ctx.store.projection_fields(NAME, [alert_id]).get(alert_id)
    if not raised:
        raise NotFound(f"No alert {alert_id}.")

    def must_be_open(state):
        """Refuse to acknowledge twice, judged on the state the commit guards."""
        if (state[NAME].get(alert_id) or {}).get("status") != "open":
            raise Conflict("This alert was already acknowledged.")

    checkpoint = json.loads(raised).get("checkpoint_id")
    event = ev.draft(ev.ALERT_ACKNOWLEDGED, actor=actor, data={"alert_id": alert_id},
                     locations=[checkpoint])
    return ledger.record(ctx, [event], idem=idem, status=200, rule=must_be_open,
                         body=lambda envs: {"event": envs[0]})
