"""Incidents as a fold of events (pure: no I/O)."""
from server import events as ev
from server.incidents import lifecycle as lc

NAME = "incidents"
REPORTED = "incident.reported"
DUPLICATE = lc.EVENT_OF["mark_duplicate"]
PHOTO_ADDED = "incident.photo_added"  # not a lifecycle step: allowed until closed
TYPES = (REPORTED, PHOTO_ADDED, *lc.EVENT_OF.values())
# The watcher's alert about an assignment nobody accepted marks the assignment (alerted once).
ALERT_RAISED, UNACCEPTED = "alert.raised", "assignment_unacknowledged"
EVENTS = frozenset({*TYPES, ALERT_RAISED})


def _unaccepted_alert(event):
    """Tell whether an event is the alert about an assignment not accepted in time."""
    return event["type"] == ALERT_RAISED and event["data"].get("kind") == UNACCEPTED


def touches(event):
    """Return the incidents an event's outcome depends on (a duplicate links two)."""
    if _unaccepted_alert(event):
        return [event["data"]["incident_id"]]
    if event["type"] not in TYPES:
        return []
    data = event["data"]  # a report's id is fresh: guarding it costs one read, never a retry
    return [data["incident_id"], data["of"]] if event["type"] == DUPLICATE else [data["incident_id"]]


def still_shown(entry, *, venue, when):
    """Tell whether a section can still show an incident: open (a reopening is an event)."""
    return lc.is_open(entry.get("status"))


def _reported(event):
    """Return the entry of a new incident."""
    data = event["data"]
    return {**data, "status": lc.REPORTED, "reported_by": event["actor"]["username"],
            "reported_at": event.get("observed_at") or event["ts"], "recorded_at": event["ts"],
            "acknowledged_at": None, "acknowledged_by": None, "assignee": None,
            "escalations": 0, "auto_escalated": False, "agencies": [], "sop_done": [],
            "resolved_at": None, "closed_at": None, "duplicate_of": None, "duplicates": [],
            "assigned_at": None, "assignment_id": None, "assignment_note": "", "assignment_accepted_at": None,
            "assignment_alerted": False, "ack_seconds": None, "resolve_seconds": None,
            "photos": list(data.get("photo_ids", [])), "history": [event["id"]]}


def _seconds(entry, ts):
    """Return the seconds from the report's recording to ts (for reports: time to act)."""
    return round((ev.parse_iso(ts) - ev.parse_iso(entry["recorded_at"])).total_seconds(), 3)


def _acted(entry, event):
    """Return an entry after one action event (the lifecycle was checked before the commit)."""
    data, who, ts = event["data"], event["actor"]["username"], event["ts"]
    action = lc.ACTION_OF[event["type"]]
    entry = {**entry, "status": lc.ACTIONS[action][2] or entry["status"],
             "history": [*entry["history"], event["id"]]}
    if action == "acknowledge":
        entry.update(acknowledged_at=ts, acknowledged_by=who, ack_seconds=_seconds(entry, ts))
    elif action == "assign":  # a new assignment: the guard has to accept this one
        entry.update(assignee=data["assignee"], assigned_at=ts, assignment_id=event["id"],
                     assignment_note=data.get("note", ""), assignment_accepted_at=None, assignment_alerted=False)
    elif action == "accept":
        entry["assignment_accepted_at"] = ts
    elif action == "escalate":
        entry["escalations"] += 1
        entry["auto_escalated"] = entry["auto_escalated"] or data["automatic"]
    elif action == "notify_agency":
        entry["agencies"] = [*entry["agencies"], {"agency": data["agency"], "reference": data["reference"],
                                                  "note": data["note"], "at": ts, "by": who}]
    elif action == "sop_step":
        entry["sop_done"] = sorted({*entry["sop_done"], data["step"]})
    elif action == "resolve":
        entry.update(resolved_at=ts, resolve_seconds=_seconds(entry, ts))
    elif action == "close":
        entry["closed_at"] = ts
    elif action == "reopen":
        entry.update(resolved_at=None, closed_at=None, duplicate_of=None, resolve_seconds=None)
    elif action == "mark_duplicate":
        entry.update(closed_at=ts, duplicate_of=data["of"])
    return entry


def apply(state, event):
    """Fold a report or an action into its incident (and, for a duplicate, the other one)."""
    if event["type"] == REPORTED:
        return {event["data"]["incident_id"]: _reported(event)}
    if _unaccepted_alert(event):
        entry = state.get(event["data"]["incident_id"])
        same = entry and entry.get("assignment_id") == event["data"].get("assignment_id")
        return {entry["incident_id"]: {**entry, "assignment_alerted": True}} if same else {}
    if event["type"] not in TYPES:
        return {}
    incident_id = event["data"]["incident_id"]
    entry = state.get(incident_id)
    if not entry:
        return {}
    if event["type"] == PHOTO_ADDED:
        return {incident_id: {**entry, "photos": [*entry.get("photos", []), *event["data"]["photo_ids"]],
                              "history": [*entry["history"], event["id"]]}}
    changes = {incident_id: _acted(entry, event)}
    if event["type"] == DUPLICATE and state.get(event["data"]["of"]):
        other = state[event["data"]["of"]]
        changes[other["incident_id"]] = {**other, "duplicates": sorted({*other["duplicates"], incident_id}),
                                         "history": [*other["history"], event["id"]]}
    return changes


def open_incidents(entries):
    """Return the open incidents, most severe first, then oldest first."""
    rows = [e for e in entries.values() if e and lc.is_open(e["status"])]
    return sorted(rows, key=lambda e: (e["severity"], e["reported_at"], e["incident_id"]))
