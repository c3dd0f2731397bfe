"""When the incidents' alerts have lost their cause (read by the alerts watcher; pure)."""
from server.incidents import lifecycle as lc


def acknowledged(entry, alert):
    """An escalation closes once someone owns the incident (acknowledged, or any later state)."""
    if entry is None or entry["status"] != lc.REPORTED:
        return "incident_acknowledged"
    return None


def accepted(entry, alert):
    """An unaccepted assignment closes once accepted, reassigned, or the incident is no longer open."""
    if entry is None or not lc.is_open(entry["status"]):
        return "incident_closed"
    if entry.get("assignment_id") != alert.get("assignment_id"):
        return "reassigned"
    return "assignment_accepted" if entry.get("assignment_accepted_at") else None
