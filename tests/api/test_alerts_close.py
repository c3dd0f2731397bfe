"""Alerts close themselves when their cause is gone (server/alerts/closing.py): an overdue patrol
when a guard checks in, an overstay when the visitor leaves, a no-pass vehicle when it leaves,
an escalation when the incident is acknowledged. One alert.closed each, however often the
watcher runs; an alert an operator already took is left as it is. Open alerts: most severe first."""
import datetime as dt

import pytest

from server import events as ev
from server.alerts.closing import close, close_resolved, resolved
from server.incidents.service import check_unacknowledged
from server.patrols.service import flag_overdue
from unit_ids import ID

pytestmark = pytest.mark.usefixtures("quick_hashes")


def closed_events(ctx):
    """Return the alert.closed events' data, oldest first."""
    return [e["data"] for e in ctx.store.scan_events() if e["type"] == "alert.closed"]


def status(ctx, alert_id):
    """Return an alert's status in the projection."""
    return ctx.store.projection("alerts")[alert_id]["status"]


def test_an_overdue_patrol_closes_when_a_guard_checks_in(ctx, login_as):
    due = ev.utc_now() - dt.timedelta(minutes=1)
    flag_overdue(ctx, checkpoint_id="E1", due=due, phase_id="pre_event")
    alert_id = f"overdue-E1-{int(due.timestamp() * 1000)}"
    assert close_resolved(ctx, ev.utc_now()) == [] and status(ctx, alert_id) == "open"
    guard = login_as("gus", "guard")
    assert guard.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"}).status_code == 201
    assert close_resolved(ctx, ev.utc_now()) == [alert_id]
    assert close_resolved(ctx, ev.utc_now()) == []
    assert status(ctx, alert_id) == "closed" and closed_events(ctx) == [{"alert_id": alert_id, "reason": "checked_in"}]


def test_an_overstay_closes_when_the_visitor_checks_out(ctx, login_as):
    from server.visitors.overstay import check_overstays
    guard = login_as("gate1", "guard")
    body = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "purpose": "会议", "entrance_id": "E1",
            "expected_until": ev.iso(ev.utc_now() + dt.timedelta(minutes=1))}
    vid = guard.post("/api/v1/visitors", json=body).get_json()["visitor"]["visitor_id"]
    assert check_overstays(ctx, ev.utc_now() + dt.timedelta(minutes=2)) == [vid]
    assert close_resolved(ctx, ev.utc_now()) == []
    assert guard.post(f"/api/v1/visitors/{vid}/checkout", json={"entrance_id": "E1"}).status_code == 200
    assert close_resolved(ctx, ev.utc_now()) == [f"overstay-{vid}"]


def test_a_vehicle_without_a_pass_closes_when_it_leaves(ctx, login_as):
    guard = login_as("gate1", "guard")
    car = {"plate": "沪A·12345", "entrance_id": "E3", "kind": "visitor"}
    assert guard.post("/api/v1/vehicles", json={**car, "direction": "in"}).status_code == 201
    [alert] = [a for a in ctx.store.projection("alerts").values() if a["kind"] == "vehicle_no_pass"]
    assert close_resolved(ctx, ev.utc_now()) == []
    assert guard.post("/api/v1/vehicles", json={**car, "direction": "out"}).status_code == 201
    assert close_resolved(ctx, ev.utc_now()) == [alert["alert_id"]]


def test_the_escalation_names_the_incident_and_closes_when_acknowledged_once_for_two_watchers(ctx, login_as):
    guard, op = login_as("gus", "guard"), login_as("op1", "operator")
    answer = guard.post("/api/v1/incidents", json={"category": "fire_smoke", "location_id": "E2",
                                                   "description": "<img src=x onerror=alert(1)>"})
    iid = answer.get_json()["incident"]["incident_id"]
    assert check_unacknowledged(ctx, ev.utc_now() + dt.timedelta(minutes=3)) == [iid]
    alert = ctx.store.projection("alerts")[f"unack-{iid}"]
    assert (alert["category"], alert["location_id"], alert["severity"]) == ("fire_smoke", "E2", 1)
    assert op.post(f"/api/v1/incidents/{iid}/actions", json={"action": "acknowledge"}).status_code == 200
    # Two watchers read the same open alert before either commits (a lease handed over mid-tick).
    seen_by_first, seen_by_second = resolved(ctx, [alert]), resolved(ctx, [alert])
    assert seen_by_first == seen_by_second == [(alert, "incident_acknowledged")]
    assert not close(ctx, alert, "incident_acknowledged").replayed
    assert close(ctx, alert, "incident_acknowledged").replayed  # the same fact, once
    assert closed_events(ctx) == [{"alert_id": alert["alert_id"], "reason": "incident_acknowledged"}]
    late = op.post(f"/api/v1/alerts/{alert['alert_id']}/acknowledge", json={})
    assert late.status_code == 409 and late.get_json()["error"]["message"]


def test_an_alert_an_operator_acknowledged_is_left_alone(ctx, login_as):
    guard, op = login_as("gus", "guard"), login_as("op1", "operator")
    iid = guard.post("/api/v1/incidents", json={"category": "fire_smoke", "location_id": "E2",
                                                "description": "smoke"}).get_json()["incident"]["incident_id"]
    check_unacknowledged(ctx, ev.utc_now() + dt.timedelta(minutes=3))
    assert op.post(f"/api/v1/alerts/unack-{iid}/acknowledge", json={}).status_code == 200
    assert op.post(f"/api/v1/incidents/{iid}/actions", json={"action": "acknowledge"}).status_code == 200
    assert close_resolved(ctx, ev.utc_now()) == [] and status(ctx, f"unack-{iid}") == "acknowledged"


def test_open_alerts_are_listed_most_severe_first_then_oldest(ctx, login_as):
    from server import ledger
    for n, severity in enumerate((3, 1, 2, 1)):
        ledger.record(ctx, [ev.draft("alert.raised", actor=ev.SYSTEM_ACTOR, data={
            "alert_id": f"a{n}", "kind": "sop_skipped", "severity": severity})], idem=None)
    listed = login_as("op1", "operator").client.get("/api/v1/alerts").get_json()["alerts"]
    assert [a["alert_id"] for a in listed] == ["a1", "a3", "a2", "a0"]


