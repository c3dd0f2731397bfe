"""Alerts that need a human, as a fold of events (pure: no I/O)."""
NAME = "alerts"
RAISED = "alert.raised"
ACKNOWLEDGED = "alert.acknowledged"


def touches(event):
    """Return the alert entries an event may change."""
    if event["type"] in (RAISED, ACKNOWLEDGED):
        return [event["data"]["alert_id"]]
    return []


def apply(state, event):
    """Fold an alert being raised or acknowledged."""
    alert_id = event["data"].get("alert_id")
    if event["type"] == RAISED:
        entry = dict(event["data"])
        entry.update({"raised_at": event["ts"], "raised_event_id": event["id"], "status": "open"})
        return {alert_id: entry}
    if event["type"] == ACKNOWLEDGED and state.get(alert_id):
        entry = dict(state[alert_id])
        entry.update({"status": "acknowledged", "acknowledged_at": event["ts"],
                      "acknowledged_by": event["actor"]["username"]})
        return {alert_id: entry}
    return {}


def open_alerts(entries):
    """Return open alerts, newest first."""
    rows = [a for a in entries.values() if a.get("status") == "open"]
    return sorted(rows, key=lambda a: a["raised_at"], reverse=True)
