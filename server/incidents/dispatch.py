"""Dispatch to guards: an assignment the guard has not accepted in time alerts the control room."""
import datetime as dt

from server import events as ev
from server import ledger, scan
from server.alerts import fold as alerts
from server.errors import Conflict
from server.incidents import lifecycle as lc
from server.incidents.fold import NAME, UNACCEPTED


def waiting(entry):
    """Tell whether an incident has an assignment nobody accepted or alerted about yet."""
    return (entry and entry["status"] == lc.ACKNOWLEDGED and entry.get("assignee")
            and entry.get("assignment_id") and not entry.get("assignment_accepted_at")
            and not entry.get("assignment_alerted"))


def alert_unaccepted(ctx, entry, threshold):
    """Raise one alert for an assignment not accepted within the threshold (system key)."""
    incident_id, assignment_id = entry["incident_id"], entry["assignment_id"]
    alert_id = f"assign-{incident_id}-{assignment_id}"
    event = ev.draft(alerts.RAISED, actor=ev.SYSTEM_ACTOR, locations=[entry["location_id"], entry["zone_id"]],
                     data={"alert_id": alert_id, "kind": UNACCEPTED, "severity": entry["severity"],
                           "incident_id": incident_id, "assignment_id": assignment_id,
                           "category": entry["category"], "location_id": entry["location_id"],
                           "assignee": entry["assignee"], "threshold_min": threshold})
    idem = ledger.system_idempotency(alert_id, {"incident_id": incident_id, "assignment_id": assignment_id})

    def still_waiting(state):
        """Refuse when the guard accepted (or the incident moved on) after the watcher's read."""
        current = state[NAME][incident_id]
        if not waiting(current) or current["assignment_id"] != assignment_id:
            raise Conflict("accepted meanwhile")
    return ledger.record(ctx, [event], idem=idem, rule=still_waiting)


def check_unaccepted(ctx, now):
    """Alert about every assignment left unaccepted past the venue's dispatch_ack_min."""
    threshold = ctx.venue.section("incident_rules").dispatch_ack_min
    alerted = []
    for entry in scan.matching(ctx, NAME, waiting).values():
        if now < ev.parse_iso(entry["assigned_at"]) + dt.timedelta(minutes=threshold):
            continue
        try:
            alert_unaccepted(ctx, entry, threshold)
        except Conflict:
            continue  # accepted between the read and the commit
        alerted.append(entry["incident_id"])
    return alerted
