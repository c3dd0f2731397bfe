"""Phase changes, overdue patrols raising alerts, acknowledging them, and the /state snapshot."""
import datetime as dt
import uuid

import pytest

from server import events as ev
from server.patrols.service import check_overdue
from support import flat

pytestmark = pytest.mark.usefixtures("quick_hashes")
CHECKPOINTS = 16  # E1-E5 and C1-C11 are all patrolled in pre_event ...
HALF_HOURLY = {"E1", "E2", "E3", "E4", "E5", "C1", "C2"}  # ... these every 30 min, the rest every 60


def minutes(n):
    """Return a timedelta of n minutes."""
    return dt.timedelta(minutes=n)


@pytest.fixture
def phase_since(ctx, app):
    """Return when the current (bootstrap) phase began."""
    return ev.parse_iso(ctx.store.projection("meta")["phase"]["since"])


@pytest.fixture
def operator(login_as):
    """An operator signed in on a client of its own."""
    return login_as("otto", "operator")


def open_alerts(user):
    """Return the open alerts as the given user sees them."""
    answer = user.client.get("/api/v1/alerts")
    assert answer.status_code == 200
    return answer.get_json()["alerts"]


def test_commander_changes_the_phase_and_state_shows_it(login_as, operator):
    chief = login_as("chief", "commander")
    answer = chief.post("/api/v1/phase", json={"phase": "in_session", "override_reason": "test arranged without inspections"})
    assert answer.status_code == 201, answer.get_json()
    event = answer.get_json()["event"]
    assert event["type"] == "phase.changed"
    assert {k: event["data"][k] for k in ("phase", "previous")} == {"phase": "in_session", "previous": "pre_event"}
    state = flat(operator.client.get("/api/v1/state").get_json())
    assert state["phase"] == "in_session" and state["phase_since"] == event["ts"]
    assert state["cursor"] == event["id"]
    e1 = next(r for r in state["patrols"] if r["checkpoint_id"] == "E1")
    assert e1["interval_min"] == 15
    assert chief.post("/api/v1/phase", json={"phase": "closed"}).get_json()["event"]["data"]["previous"] == "in_session"
    c3 = next(r for r in flat(operator.client.get("/api/v1/state").get_json())["patrols"] if r["checkpoint_id"] == "C3")
    assert c3["interval_min"] is None and c3["due_at"] is None and c3["overdue"] is False  # not walked when closed


@pytest.mark.parametrize("phase", ["lunch", "", None, 3, ["closed"], {"phase": "closed"}])
def test_unknown_phase_is_400(login_as, operator, phase):
    chief = login_as("chief", "commander")
    answer = chief.post("/api/v1/phase", json={"phase": phase})
    assert answer.status_code == 400
    assert "phase" in answer.get_json()["error"]["fields"]
    assert flat(operator.client.get("/api/v1/state").get_json())["phase"] == "pre_event"


def test_overdue_raises_one_alert_per_missed_window(ctx, phase_since, operator, timeline):
    assert check_overdue(ctx, phase_since + minutes(29)) == []
    flagged = check_overdue(ctx, phase_since + minutes(31))
    assert set(flagged) == HALF_HOURLY
    assert check_overdue(ctx, phase_since + minutes(31)) == []  # called twice: nothing new
    assert check_overdue(ctx, phase_since + minutes(45)) == []  # still the same window
    assert len(timeline("patrol.overdue")) == len(timeline("alert.raised")) == len(HALF_HOURLY)
    e1 = [a for a in open_alerts(operator) if a["checkpoint_id"] == "E1"]
    assert len(e1) == 1
    assert e1[0]["kind"] == "patrol_overdue" and e1[0]["severity"] == 2  # a gate: more severe
    assert ev.parse_iso(e1[0]["due_at"]) == phase_since + minutes(30)
    c1 = next(a for a in open_alerts(operator) if a["checkpoint_id"] == "C1")
    assert c1["severity"] == 3
    # the next window is missed too: a second alert, each window once (and the hourly ones' first)
    assert len(check_overdue(ctx, phase_since + minutes(61))) == CHECKPOINTS
    check_overdue(ctx, phase_since + minutes(62))
    assert len(timeline("alert.raised")) == len(HALF_HOURLY) + CHECKPOINTS
    e1 = [a for a in open_alerts(operator) if a["checkpoint_id"] == "E1"]
    assert sorted(ev.parse_iso(a["due_at"]) - phase_since for a in e1) == [minutes(30), minutes(60)]


def test_a_checkin_resets_the_overdue_patrol(ctx, auth, operator, timeline):
    auth.login("gus", "guard")
    late = ev.iso(ev.utc_now() - minutes(100))
    assert auth.post("/api/v1/checkins", json={"checkpoint_id": "C1", "status": "clear",
                                               "observed_at": late}).status_code == 201
    row = next(r for r in operator.client.get("/api/v1/patrols").get_json()["patrols"] if r["checkpoint_id"] == "C1")
    assert row["overdue"] is True
    now = ev.utc_now()
    assert check_overdue(ctx, now) == ["C1"]
    assert check_overdue(ctx, now) == []
    alert = next(a for a in open_alerts(operator) if a["checkpoint_id"] == "C1")
    assert ev.parse_iso(alert["due_at"]) == ev.parse_iso(late) + minutes(90)  # the latest missed window
    assert auth.post("/api/v1/checkins", json={"checkpoint_id": "C1", "status": "clear"}).status_code == 201
    row = next(r for r in operator.client.get("/api/v1/patrols").get_json()["patrols"] if r["checkpoint_id"] == "C1")
    assert row["overdue"] is False and row["last_guard"] == "gus"
    assert check_overdue(ctx, ev.utc_now() + minutes(20)) == []
    assert len(timeline("patrol.overdue")) == 1


def test_acknowledge_flow(ctx, phase_since, operator, login_as, timeline):
    check_overdue(ctx, phase_since + minutes(31))
    alerts = open_alerts(operator)
    assert len(alerts) == len(HALF_HOURLY)
    target = alerts[0]["alert_id"]
    url = f"/api/v1/alerts/{target}/acknowledge"
    answer = operator.post(url, json={}, key="ack-1")
    assert answer.status_code == 200, answer.get_json()
    event = answer.get_json()["event"]
    assert event["type"] == "alert.acknowledged" and event["data"]["alert_id"] == target
    assert event["actor"] == {"username": "otto", "role": "operator"}
    assert target not in [a["alert_id"] for a in open_alerts(operator)]
    assert len(open_alerts(operator)) == len(HALF_HOURLY) - 1
    # the operator's phone retries the same request: the original answer, not a conflict
    replay = operator.post(url, json={}, key="ack-1")
    assert replay.status_code == 200 and replay.headers.get("Idempotent-Replayed") == "true"
    # a colleague acknowledges the same alert a moment later
    again = login_as("olga", "operator").post(url, json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert len(timeline("alert.acknowledged")) == 1


def test_acknowledging_an_unknown_alert_is_404(operator, timeline):
    for alert_id in ("overdue-E1-1", "nope", "x" * 300):
        answer = operator.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={})
        assert answer.status_code == 404, alert_id
        assert answer.get_json()["error"]["code"] == "not_found"
    assert timeline("alert.acknowledged") == []


def test_alerts_list_most_severe_first_then_oldest(ctx, phase_since, operator):
    """Issue 13: the wall must never push a severe alert below milder ones; among equals, the one
    waiting longest comes first."""
    check_overdue(ctx, phase_since + minutes(31))
    check_overdue(ctx, phase_since + minutes(61))
    listed = open_alerts(operator)
    keys = [(a["severity"], a["raised_at"]) for a in listed]
    assert keys == sorted(keys) and len({a["severity"] for a in listed}) > 1
    assert ev.parse_iso(listed[0]["due_at"]) == phase_since + minutes(30)


def test_state_snapshot(ctx, auth, operator, phase_since, reader):
    auth.login("gus", "guard")
    assert auth.post("/api/v1/checkins", json={"checkpoint_id": "E2", "status": "clear"}).status_code == 201
    check_overdue(ctx, phase_since + minutes(31))
    answer = operator.client.get("/api/v1/state")
    assert answer.status_code == 200
    state = flat(answer.get_json())
    newest = reader("/api/v1/events?limit=1").get_json()["events"][0]["id"]
    assert state["cursor"] == newest
    assert state["phase"] == "pre_event"
    assert len(state["patrols"]) == CHECKPOINTS
    e2 = next(r for r in state["patrols"] if r["checkpoint_id"] == "E2")
    assert e2["last_guard"] == "gus" and e2["overdue"] is False
    assert {a["checkpoint_id"] for a in state["alerts"]} == HALF_HOURLY
    assert len({a["alert_id"] for a in state["alerts"]}) == len(HALF_HOURLY)
    assert [g["username"] for g in state["guards_active"]] == ["gus"]  # operators are not guards
    for key in ("visitors", "incidents", "hazards", "clearance"):
        assert key in state


def test_state_cursor_moves_with_every_commit(auth, operator):
    auth.login("gus", "guard")
    first = flat(operator.client.get("/api/v1/state").get_json())["cursor"]
    event = auth.post("/api/v1/checkins", json={"checkpoint_id": "C5", "status": "clear"}).get_json()["event"]
    second = flat(operator.client.get("/api/v1/state").get_json())["cursor"]
    assert ev.id_key(second) > ev.id_key(first) and second == event["id"]


def test_display_sees_the_snapshot_without_buttons(login_as):
    wall = login_as("wall", "display")
    assert wall.client.get("/api/v1/state").status_code == 200
    answer = wall.client.post("/api/v1/alerts/whatever/acknowledge", json={},
                              headers={"X-CSRF-Token": wall.csrf, "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 403


def test_a_checkin_landing_before_the_overdue_commit_prevents_a_false_alert(ctx, auth, operator, phase_since):
    """The watcher judged E1 missed on an old read; a guard checked in before its commit: no alert."""
    from server.errors import Conflict
    from server.patrols.service import flag_overdue
    due, now = phase_since + minutes(30), phase_since + minutes(31)
    auth.login("gus", "guard")
    assert auth.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"}).status_code == 201
    with pytest.raises(Conflict):  # the window now runs from the check-in, not the phase start
        flag_overdue(ctx, checkpoint_id="E1", due=due, phase_id="pre_event", since=ev.iso(phase_since), now=now)
    assert not any(a["checkpoint_id"] == "E1" for a in open_alerts(operator))
