"""The incident lifecycle, every action from every state, and the incidents fold."""
import pytest

from server import ledger
from server.concepts import REGISTRY
from server.incidents import fold, lifecycle as lc

# Every (state, action) the machine allows, and where it leads; everything else is illegal.
LEGAL = {
    ("reported", "acknowledge"): "acknowledged", ("reported", "escalate"): "reported",
    ("reported", "note"): "reported", ("reported", "mark_duplicate"): "closed",
    ("acknowledged", "assign"): "acknowledged", ("acknowledged", "escalate"): "acknowledged",
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
    assert {a for a, p in lc.PERMISSION.items() if p == "incidents.note"} == {"note"}
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


def test_open_incidents_are_sorted_by_severity_then_age():
    state = ledger.fold_all(REGISTRY.folds, [reported(1, "old3", 3), reported(2, "new1", 1),
                                             reported(3, "new3", 3)])["incidents"]
    assert [i["incident_id"] for i in fold.open_incidents(state)] == ["new1", "old3", "new3"]
