"""Alerts that need a human, as a fold of events (pure: no I/O)."""
NAME = "alerts"
RAISED = "alert.raised"
ACKNOWLEDGED = "alert.acknowledged"
CLOSED = "alert.closed"
EVENTS = frozenset({RAISED, ACKNOWLEDGED, CLOSED})


def touches(event):
    """Return the alert entries an event may change."""
    if event["type"] in (RAISED, ACKNOWLEDGED, CLOSED):
        return [event["data"]["alert_id"]]
    return []


# An entry no longer shown is shown again only when an event writes it whole (server/checkpoints.py).
FORGETS = True


def still_shown(entry, *, venue, when):
    """Tell whether a section can still show an alert: open (only an event reopens one)."""
    return entry.get("status") == "open"


def apply(state, event):
    """Fold an alert being raised, acknowledged, or closed because its cause is gone."""
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
    if event["type"] == CLOSED and (state.get(alert_id) or {}).get("status") == "open":
        entry = dict(state[alert_id])
        entry.update({"status": "closed", "closed_at": event["ts"], "close_reason": event["data"]["reason"]})
        return {alert_id: entry}
    return {}


def severity_then_age(alert):
    """Sort key: the most severe first, then the oldest (waiting longest) first."""
    ms, _, seq = (alert.get("raised_event_id") or "0-0").partition("-")
    return alert.get("severity") or 9, alert.get("raised_at") or "", int(ms), int(seq or 0)


def open_alerts(entries):
    """Return open alerts, most severe first, then oldest first."""
    return sorted((a for a in entries.values() if a.get("status") == "open"), key=severity_then_age)
