"""Incidents over HTTP: report, the lifecycle's actions per role, 409s naming the state, reads."""
import datetime as dt
import uuid

import pytest

from server.incidents import lifecycle as lc
from server.incidents.dispatch import check_unaccepted
from server.incidents.service import check_unacknowledged
from support import flat

pytestmark = pytest.mark.usefixtures("quick_hashes")
ROLES = ("guard", "operator", "commander", "admin", "display")
RANK = {"guard": 0, "operator": 1, "commander": 2, "admin": 3}
LOWEST = {"incidents.note": "guard", "incidents.run": "operator", "incidents.command": "commander"}
REPORT = {"category": "medical", "location_id": "E1", "description": "a visitor fainted at the gate"}


@pytest.fixture
def as_role(app, bearer):
    """Return a function posting or getting as a user of a role (bearer token)."""
    def make(role):
        headers = bearer(f"inc-{role}", role)
        client = app.test_client()

        def post(path, body):
            return client.post(path, json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        post.get = lambda path: client.get(path, headers=headers)
        return post
    return make


@pytest.fixture
def report(as_role):
    """Return a function reporting an incident as a guard; return its id."""
    def make(**extra):
        answer = as_role("guard")("/api/v1/incidents", {**REPORT, **extra})
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["incident"]["incident_id"]
    return make


def act(post, incident_id, action, **fields):
    """Take one action; return the answer."""
    return post(f"/api/v1/incidents/{incident_id}/actions", {"action": action, **fields})


def test_report_defaults_severity_from_the_category_and_answers_incident_and_event(as_role):
    answer = as_role("guard")("/api/v1/incidents", REPORT)
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["incident"]["severity"] == 2 and body["incident"]["status"] == "reported"
    assert body["incident"]["zone_id"] and body["incident"]["reported_by"] == "inc-guard"
    assert body["event"]["type"] == "incident.reported" and body["incident"]["history"] == [body["event"]["id"]]
    assert as_role("guard")("/api/v1/incidents", {**REPORT, "severity": 4}).get_json()["incident"]["severity"] == 4


@pytest.mark.parametrize("field,value", [("category", "alien_landing"), ("location_id", "Z9"),
                                         ("severity", 5), ("severity", 0), ("description", "")])
def test_bad_report_is_400_naming_the_field(as_role, field, value):
    answer = as_role("guard")("/api/v1/incidents", {**REPORT, field: value})
    assert answer.status_code == 400
    assert set(answer.get_json()["error"]["fields"]) == {field}


def test_display_may_not_report(as_role):
    assert as_role("display")("/api/v1/incidents", REPORT).status_code == 403


def test_the_whole_lifecycle_with_history(ctx, as_role, report, auth):
    auth.user("g7", "guard")
    steps = len(ctx.venue.find("incident_categories", "lost_found").sop)
    op, cmd = as_role("operator"), as_role("commander")
    iid = report(category="lost_found")
    assert act(op, iid, "acknowledge").status_code == 200
    assert act(op, iid, "assign", assignee="g7").get_json()["incident"]["assignee"] == "g7"
    assert act(op, iid, "notify_agency", agency="police", reference="110-42").status_code == 200
    for step in range(steps):
        assert act(op, iid, "sop_step", step=step).status_code == 200
    assert op.get(f"/api/v1/incidents/{iid}").get_json()["incident"]["sop_done"] == list(range(steps))
    assert act(op, iid, "sop_step", step=0).status_code == 409  # ticked already
    assert act(as_role("guard"), iid, "note", note="owner found").status_code == 200
    resolved = act(op, iid, "resolve")
    assert resolved.status_code == 200 and resolved.get_json()["incident"]["status"] == "resolved"
    assert act(cmd, iid, "close").get_json()["incident"]["status"] == "closed"
    assert act(cmd, iid, "reopen").get_json()["incident"]["status"] == "acknowledged"
    shown = op.get(f"/api/v1/incidents/{iid}").get_json()
    assert [e["type"] for e in shown["events"]] == [
        "incident.reported", "incident.acknowledged", "incident.assigned", "incident.agency_notified",
        *["incident.sop_step_done"] * steps, "incident.noted", "incident.resolved", "incident.closed", "incident.reopened"]
    assert shown["incident"]["agencies"][0]["agency"] == "police"
    assert shown["incident"]["history"] == [e["id"] for e in shown["events"]]


@pytest.mark.parametrize("action", ["resolve", "assign", "notify_agency", "sop_step", "close", "reopen"])
def test_acting_before_acknowledgement_is_409_with_the_state(as_role, report, auth, action):
    auth.user("g7", "guard")
    fields = {"assign": {"assignee": "g7"}, "notify_agency": {"agency": "police"}, "sop_step": {"step": 0}}
    answer = act(as_role("commander"), report(), action, **fields.get(action, {}))
    assert answer.status_code == 409, answer.get_json()
    assert answer.get_json()["error"]["fields"] == {"status": "reported"}
    assert "reported" in answer.get_json()["error"]["message"]


def test_acknowledging_twice_is_409(as_role, report):
    iid = report()
    assert act(as_role("operator"), iid, "acknowledge").status_code == 200
    again = act(as_role("operator"), iid, "acknowledge")
    assert again.status_code == 409 and again.get_json()["error"]["fields"]["status"] == "acknowledged"


@pytest.mark.parametrize("body,field", [({"action": "dance"}, "action"), ({"action": "assign"}, "assignee"),
                                        ({"action": "assign", "assignee": "nobody-here"}, "assignee"),
                                        ({"action": "notify_agency", "agency": "fbi"}, "agency"),
                                        ({"action": "sop_step", "step": 42}, "step"),
                                        ({"action": "note"}, "note"), ({"action": "mark_duplicate"}, "of"),
                                        ({"action": "mark_duplicate", "of": "nope"}, "of")])
def test_bad_action_is_400_naming_the_field(as_role, report, body, field):
    answer = as_role("commander")(f"/api/v1/incidents/{report()}/actions", body)
    assert answer.status_code == 400, answer.get_json()
    assert set(answer.get_json()["error"]["fields"]) == {field}


def test_unknown_incident_is_404(as_role):
    assert act(as_role("operator"), "no-such", "acknowledge").status_code == 404
    assert as_role("operator").get("/api/v1/incidents/no-such").status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(lc.ACTIONS))
def test_every_action_allowed_or_refused_per_role(as_role, report, auth, role, action):
    """Each action is allowed to its lowest role and those above, refused (403) below."""
    auth.user("g7", "guard")
    other = report()
    iid = report(category="lost_found")
    setup = as_role("admin")
    if action not in ("acknowledge",):
        act(setup, iid, "acknowledge")
    if action in ("close", "reopen"):
        act(setup, iid, "resolve", reason="handled by the host")
    if action == "accept":  # only the assignee accepts: assign it to this role's user first
        caller = as_role(role)
        # A display account is never assigned anything (test_addressees.py): it tries g7's.
        assignee = "g7" if role == "display" else f"inc-{role}"
        assert act(setup, iid, "assign", assignee=assignee).status_code == 200
    fields = {"assign": {"assignee": "g7"}, "notify_agency": {"agency": "police"}, "sop_step": {"step": 0},
              "note": {"note": "seen"}, "mark_duplicate": {"of": other},
              "resolve": {"reason": "handled by the host"}}.get(action, {})
    answer = act(caller if action == "accept" else as_role(role), iid, action, **fields)
    lowest = LOWEST[lc.PERMISSION[action]]
    if role != "display" and RANK[role] >= RANK[lowest]:
        assert answer.status_code == 200, (role, answer.get_json())
    else:
        assert answer.status_code == 403, (role, answer.get_json())


def test_resolving_with_skipped_steps_needs_a_reason_and_alerts(as_role, report, timeline):
    op = as_role("operator")
    iid = report()  # medical: several SOP steps
    act(op, iid, "acknowledge")
    refused = act(op, iid, "resolve")
    assert refused.status_code == 400 and set(refused.get_json()["error"]["fields"]) == {"reason"}
    answer = act(op, iid, "resolve", reason="the medic took over")
    assert answer.status_code == 200
    assert answer.get_json()["event"]["data"]["skipped_steps"]
    alerts = [e for e in timeline("alert.raised") if e["data"].get("incident_id") == iid]
    assert [a["data"]["kind"] for a in alerts] == ["sop_skipped"]
    ids = [e["id"] for e in timeline()]
    resolved = answer.get_json()["event"]["id"]
    assert ids[ids.index(resolved) + 1] == alerts[0]["id"]  # one commit: nothing falls between


def test_mark_duplicate_links_both_and_needs_an_open_original(as_role, report):
    cmd = as_role("commander")
    first, second, third = report(), report(), report()
    answer = act(cmd, second, "mark_duplicate", of=first)
    assert answer.status_code == 200
    assert answer.get_json()["incident"] == {**answer.get_json()["incident"], "status": "closed", "duplicate_of": first}
    assert cmd.get(f"/api/v1/incidents/{first}").get_json()["incident"]["duplicates"] == [second]
    closed = act(cmd, third, "mark_duplicate", of=second)
    assert closed.status_code == 409 and closed.get_json()["error"]["fields"] == {"of": "closed"}
    assert act(cmd, first, "mark_duplicate", of=first).status_code == 400


def test_list_filters_and_order(as_role, report):
    low = report(category="lost_found")
    high = report(category="fire_smoke", location_id="C1")
    act(as_role("operator"), low, "acknowledge")
    get = as_role("guard").get
    assert [i["incident_id"] for i in get("/api/v1/incidents").get_json()["incidents"]] == [high, low]
    assert [i["incident_id"] for i in get("/api/v1/incidents?status=acknowledged").get_json()["incidents"]] == [low]
    assert [i["incident_id"] for i in get("/api/v1/incidents?severity=1").get_json()["incidents"]] == [high]
    assert [i["incident_id"] for i in get("/api/v1/incidents?category=lost_found").get_json()["incidents"]] == [low]
    assert [i["incident_id"] for i in get("/api/v1/incidents?location=C1").get_json()["incidents"]] == [high]
    assert get("/api/v1/incidents?status=sleeping").status_code == 400
    assert as_role("display").get("/api/v1/incidents").status_code == 403


def test_snapshot_lists_open_incidents_and_screens_them_for_displays(as_role, report):
    low, high = report(category="lost_found"), report(category="fire_smoke")
    state = flat(as_role("operator").get("/api/v1/state").get_json())
    assert [i["incident_id"] for i in state["incidents"]] == [high, low]
    assert state["incidents"][0]["reported_by"] == "inc-guard"
    shown = flat(as_role("display").get("/api/v1/state").get_json())
    assert [i["incident_id"] for i in shown["incidents"]] == [high, low]
    assert all(i["reported_by"] == "*" and "description" not in i for i in shown["incidents"])
    reported = [e for e in shown["recent_events"] if e["type"] == "incident.reported"]
    assert reported and all(e["actor"]["username"] == "" and "description" not in e["data"] for e in reported)


def test_an_unacknowledged_severe_incident_escalates_once(ctx, as_role, report, timeline):
    severe, mild = report(category="fire_smoke"), report(category="lost_found")
    acknowledged = report(category="fire_smoke")
    act(as_role("operator"), acknowledged, "acknowledge")
    now = dt.datetime.now(dt.timezone.utc)
    assert check_unacknowledged(ctx, now) == []  # not yet: 2 minutes for severity 1
    later = now + dt.timedelta(minutes=3)
    assert check_unacknowledged(ctx, later) == [severe]
    assert check_unacknowledged(ctx, later) == []
    escalated = timeline("incident.escalated")
    assert [(e["data"]["incident_id"], e["data"]["automatic"]) for e in escalated] == [(severe, True)]
    alerts = [e["data"] for e in timeline("alert.raised")]
    assert [(a["kind"], a["incident_id"]) for a in alerts] == [("incident_unacknowledged", severe)]
    assert mild not in [e["data"]["incident_id"] for e in escalated]


def test_racing_acknowledgements_leave_exactly_one(ctx, report):
    """The state machine is judged on the state the commit guards: one wins, the rest get 409."""
    import threading

    from server.errors import Conflict
    from server.incidents import service
    iid = report()
    outcomes = []

    def acknowledge(n):
        try:
            service.act(ctx, actor={"username": f"op{n}", "role": "operator"}, incident_id=iid, action="acknowledge")
            outcomes.append("ok")
        except Conflict as refused:
            outcomes.append(refused.fields["status"])
    threads = [threading.Thread(target=acknowledge, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["acknowledged"] * 5 + ["ok"]


def test_an_action_replayed_with_its_key_answers_the_same(as_role, report, app, bearer):
    iid = report()
    headers = {**bearer("inc-operator", "operator"), "Idempotency-Key": "ack-once"}
    client = app.test_client()
    first = client.post(f"/api/v1/incidents/{iid}/actions", json={"action": "acknowledge"}, headers=headers)
    again = client.post(f"/api/v1/incidents/{iid}/actions", json={"action": "acknowledge"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == first.get_json()


def test_two_watchers_escalate_once(ctx, report, timeline):
    """Two leaders in turn (a lease handed over mid-tick) still record one escalation."""
    from server.incidents import service
    iid = report(category="fire_smoke")
    entry = service.incident(ctx, iid)
    service.escalate_unacknowledged(ctx, entry, 2)
    replay = service.escalate_unacknowledged(ctx, entry, 2)  # the other watcher read before the commit
    assert replay.replayed
    assert [e["data"]["incident_id"] for e in timeline("incident.escalated")] == [iid]


def test_only_the_assignee_accepts_an_assignment_once(as_role, report, auth, timeline):
    for name in ("g7", "g8"):
        auth.user(name, "guard")
    op, iid = as_role("operator"), report()
    act(op, iid, "acknowledge")
    assert act(op, iid, "assign", assignee="inc-guard", note="north gate, bring the kit").status_code == 200
    assert act(op, iid, "accept").status_code == 403  # an operator is not the assignee
    answer = act(as_role("guard"), iid, "accept")
    assert answer.status_code == 200, answer.get_json()
    incident = answer.get_json()["incident"]
    assert incident["assignment_accepted_at"] == answer.get_json()["event"]["ts"]
    assert answer.get_json()["event"]["data"]["assignment_id"] == incident["assignment_id"]
    again = act(as_role("guard"), iid, "accept")
    assert again.status_code == 409 and again.get_json()["error"]["fields"] == {"status": "acknowledged"}
    reassigned = act(op, iid, "assign", assignee="inc-guard").get_json()["incident"]
    assert reassigned["assignment_accepted_at"] is None  # a new assignment is accepted anew
    assert act(as_role("guard"), iid, "accept").status_code == 200
    assert [e["type"] for e in timeline() if e["type"].startswith("incident.assignment")] == [
        "incident.assignment_accepted"] * 2


def test_an_unaccepted_assignment_alerts_the_control_room_once(ctx, as_role, report, timeline):
    op, guard = as_role("operator"), as_role("guard")
    waiting, accepted, unassigned = report(), report(), report()
    for iid in (waiting, accepted, unassigned):
        act(op, iid, "acknowledge")
    for iid in (waiting, accepted):
        act(op, iid, "assign", assignee="inc-guard")
    act(guard, accepted, "accept")
    now = dt.datetime.now(dt.timezone.utc)
    assert check_unaccepted(ctx, now) == []  # 3 minutes in the default venue
    later = now + dt.timedelta(minutes=3, seconds=5)
    assert check_unaccepted(ctx, later) == [waiting]
    assert check_unaccepted(ctx, later) == []
    alerts = [e["data"] for e in timeline("alert.raised")]
    assert [(a["kind"], a["incident_id"], a["assignee"]) for a in alerts] == [
        ("assignment_unacknowledged", waiting, "inc-guard")]
    assert op.get(f"/api/v1/incidents/{waiting}").get_json()["incident"]["assignment_alerted"] is True
    act(op, waiting, "assign", assignee="inc-guard")  # a new assignment may alert again, once
    assert check_unaccepted(ctx, later + dt.timedelta(minutes=4)) == [waiting]


def test_time_to_acknowledge_and_to_resolve_are_recorded(as_role, report):
    op, iid = as_role("operator"), report(category="lost_found")
    acknowledged = act(op, iid, "acknowledge").get_json()["incident"]
    assert acknowledged["ack_seconds"] is not None and acknowledged["ack_seconds"] >= 0
    resolved = act(op, iid, "resolve", reason="owner found").get_json()["incident"]
    assert resolved["resolve_seconds"] >= acknowledged["ack_seconds"]
