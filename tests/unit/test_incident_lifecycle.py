"""The incident lifecycle, every action from every state, and the incidents fold."""
import pytest

from server import ledger
from server.concepts import REGISTRY
from server.incidents import fold, lifecycle as lc

# Every (state, action) the machine allows, and where it leads; everything else is illegal.
LEGAL = {
    ("reported", "acknowledge"): "acknowledged", ("reported", "escalate"): "reported",
    ("reported", "note"): "reported", ("reported", "mark_duplicate"): "closed",
    ("acknowledged", "assign"): "acknowledged", ("acknowledged", "accept"): "acknowledged",
    ("acknowledged", "escalate"): "acknowledged",
    ("acknowledged", "notify_agency"): "acknowledged", ("acknowledged", "sop_step"): "acknowledged",
    ("acknowledged", "note"): "acknowledged", ("acknowledged", "resolve"): "resolved",
    ("acknowledged", "mark_duplicate"): "closed",
    ("resolved", "close"): "closed", ("resolved", "reopen"): "acknowledged",
    ("closed", "reopen"): "acknowledged",
}


@pytest.mark.parametrize("state", lc.STATES)
@pytest.mark.parametrize("action", sorted(lc.ACTIONS))
def test_every_action_from_every_state(state, action):
    if (state, action) in LEGAL:
        assert lc.allowed(action, state) and lc.next_state(action, state) == LEGAL[(state, action)]
    else:
        assert not lc.allowed(action, state)
        with pytest.raises(lc.IllegalTransition) as refused:
            lc.next_state(action, state)
        assert refused.value.state == state


def test_roles_guards_note_operators_run_commanders_close():
    assert {a for a, p in lc.PERMISSION.items() if p == "incidents.note"} == {"note", "accept"}
    assert {a for a, p in lc.PERMISSION.items() if p == "incidents.command"} == {"close", "reopen", "mark_duplicate"}
    assert set(lc.PERMISSION) == set(lc.ACTIONS)


def event(n, type_, data, actor="olga"):
    """Return a stored event."""
    return {"id": f"{n}-0", "type": type_, "ts": f"2026-05-01T09:{n:02d}:00.000Z",
            "actor": {"username": actor, "role": "operator"}, "data": data}


def reported(n, iid, severity=2):
    """Return an incident.reported event."""
    return event(n, fold.REPORTED, {"incident_id": iid, "category": "medical", "severity": severity,
                                    "location_id": "E1", "zone_id": "lobby", "description": "x"}, actor="gus")


def test_the_fold_follows_a_scripted_history():
    history = [reported(1, "a"), reported(2, "b", severity=1),
               event(3, "incident.acknowledged", {"incident_id": "a"}),
               event(4, "incident.assigned", {"incident_id": "a", "assignee": "gus", "note": ""}),
               event(5, "incident.agency_notified", {"incident_id": "a", "agency": "medical",
                                                     "reference": "120-7", "note": ""}),
               event(6, "incident.sop_step_done", {"incident_id": "a", "step": 1}),
               event(7, "incident.marked_duplicate", {"incident_id": "b", "of": "a", "note": ""}),
               event(8, "incident.resolved", {"incident_id": "a", "note": "", "skipped_steps": [0],
                                              "reason": "medic"})]
    state = ledger.fold_all(REGISTRY.folds, history)["incidents"]
    a, b = state["a"], state["b"]
    assert (a["status"], a["acknowledged_at"], a["assignee"], a["sop_done"]) == (
        "resolved", "2026-05-01T09:03:00.000Z", "gus", [1])
    assert a["agencies"] == [{"agency": "medical", "reference": "120-7", "note": "",
                              "at": "2026-05-01T09:05:00.000Z", "by": "olga"}]
    assert a["duplicates"] == ["b"] and a["history"] == ["1-0", "3-0", "4-0", "5-0", "6-0", "7-0", "8-0"]
    assert (b["status"], b["duplicate_of"], b["reported_by"]) == ("closed", "a", "gus")
    assert fold.open_incidents(state) == []
    reopened = ledger.fold_all(REGISTRY.folds, [event(9, "incident.reopened", {"incident_id": "b", "note": ""})],
                               {"incidents": state})["incidents"]["b"]
    assert (reopened["status"], reopened["duplicate_of"]) == ("acknowledged", None)


def test_the_fold_times_acknowledgement_resolution_and_the_assignment():
    history = [reported(1, "a"), event(3, "incident.acknowledged", {"incident_id": "a"}),
               event(4, "incident.assigned", {"incident_id": "a", "assignee": "gus", "note": "gate 2"}),
               event(5, "alert.raised", {"alert_id": "x", "kind": "assignment_unacknowledged", "severity": 2,
                                         "incident_id": "a", "assignment_id": "4-0"}),
               event(6, "incident.assigned", {"incident_id": "a", "assignee": "gus", "note": "again"}),
               event(7, "incident.assignment_accepted", {"incident_id": "a", "assignment_id": "6-0"}, actor="gus"),
               event(9, "incident.resolved", {"incident_id": "a", "note": "", "skipped_steps": [], "reason": ""})]
    states = [ledger.fold_all(REGISTRY.folds, history[:n])["incidents"]["a"] for n in range(1, len(history) + 1)]
    assert states[0]["ack_seconds"] is None and states[1]["ack_seconds"] == 120.0
    assert (states[2]["assignment_id"], states[2]["assignment_note"], states[2]["assignment_alerted"]) == (
        "4-0", "gate 2", False)
    assert states[3]["assignment_alerted"] and "5-0" not in states[3]["history"]
    assert (states[4]["assignment_id"], states[4]["assignment_alerted"], states[4]["assignment_accepted_at"]) == (
        "6-0", False, None)  # a new assignment waits for its own acceptance
    assert states[5]["assignment_accepted_at"] == "2026-05-01T09:07:00.000Z"
    assert states[6]["resolve_seconds"] == 480.0
    reopened = ledger.fold_all(REGISTRY.folds, [event(10, "incident.reopened", {"incident_id": "a", "note": ""})],
                               {"incidents": {"a": states[6]}})["incidents"]["a"]
    assert reopened["resolve_seconds"] is None and reopened["ack_seconds"] == 120.0


def test_open_incidents_are_sorted_by_severity_then_age():
    state = ledger.fold_all(REGISTRY.folds, [reported(1, "old3", 3), reported(2, "new1", 1),
                                             reported(3, "new3", 3)])["incidents"]
    assert [i["incident_id"] for i in fold.open_incidents(state)] == ["new1", "old3", "new3"]
