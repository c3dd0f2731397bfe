"""The meeting programme: validation with the key at fault, readiness and clearance scoped to a
meeting's zones, and the phase the programme proposes, which only a commander changes."""
import datetime as dt
import threading

import pytest

from server import events as ev
from server.alerts import closing
from server.programme import schedule, service, settings
from server.venue import SectionError, VenueError, load_venue
from support import VENUE, programme_venue, settings_for, venue_file

pytestmark = pytest.mark.usefixtures("quick_hashes")
MEETING = {"zh-CN": "全体会议", "en": "Plenary"}


def meeting(**change):
    """Return one valid meeting of the venue file, changed."""
    return {"id": "plenary", "name": MEETING, "start": "09:00", "end": "12:00", "zones": ["main_hall"], **change}


@pytest.mark.parametrize("section, where", [
    ([{"date": "daily", "meetings": [meeting(), meeting(start="13:00", end="14:00")]}], "programme[0].meetings[1].id"),
    ([{"date": "daily", "meetings": [meeting(start=840)]}], "programme[0].meetings[0].start"),
    ([{"date": "daily", "meetings": [meeting(end="08:00")]}], "programme[0].meetings[0].end"),
    ([{"date": "2026-02-30", "meetings": [meeting()]}], "programme[0].date"),
    ([{"date": "daily", "meetings": [meeting(), meeting(id="b", start="11:00", end="13:00")]}],
     "programme[0].meetings[1].start"),
    ([{"date": "daily", "meetings": [meeting(check_before_min=-5)]}], "programme[0].meetings[0].check_before_min"),
    ([{"date": "daily", "meetings": [meeting(room="A")]}], "programme[0].meetings[0].room"),
    ([{"date": "daily", "meetings": [meeting()]}, {"date": "daily", "meetings": [meeting()]}], "programme[1].date"),
])
def test_the_programme_is_checked_with_the_key_at_fault(section, where):
    with pytest.raises(SectionError) as raised:
        settings.parse(section)
    assert raised.value.where == where


def test_an_unknown_zone_stops_the_load_naming_the_file_and_the_key():
    def change(data):
        data["programme"] = [{"date": "daily", "meetings": [
            meeting(), meeting(id="groups", start="14:00", end="17:00", zones=["meeting_rooms", "lobby", "hal"])]}]
    path = venue_file("programme-unknown-zone", change)
    with pytest.raises(VenueError) as raised:
        load_venue(path)
    assert str(raised.value) == f"{path}: programme[0].meetings[1].zones[2]: unknown zone 'hal'"


def test_the_default_venue_has_a_programme_on_any_date():
    venue = load_venue()
    for date in (dt.date(2026, 12, 4), dt.date(2031, 7, 1)):  # the daily template
        assert [m.id for m in venue.section("programme").meetings_on(date)] == ["plenary", "groups"]
    assert [m.id for m in venue.section("programme").meetings_on(dt.date(2027, 3, 15))] == ["opening", "groups"]


@pytest.fixture
def ctx(redis_server, tmp_path, request):
    """Services on a venue whose programme the test's `meetings` mark gives (none: no programme)."""
    from server.app import build_context
    redis_server.client().flushall()
    marker = request.node.get_closest_marker("meetings")
    venue = programme_venue(request.node.name[:40].replace("[", "-").replace("]", ""), marker.args[0])[0] \
        if marker else VENUE
    return build_context(settings_for(redis_server.url, tmp_path, venue=venue))


def inspect(guard, ctx, checklist_id, area):
    """Record a passed inspection of one checklist in one area."""
    items = ctx.venue.find("checklists", checklist_id).items
    answer = guard.post("/api/v1/inspections", json={"checklist_id": checklist_id, "area_id": area,
                                                     "results": [{"item_id": i.id, "ok": True} for i in items]})
    assert answer.status_code == 201, answer.get_json()


def sections(who):
    """Return the viewer's sections of the state."""
    answer = who.client.get("/api/v1/state")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["sections"]


# A plenary in the main hall and lobby starting in 30 minutes (its check is due now), then group
# sessions in the meeting rooms.
CHECK_DUE = [("plenary", 30, 120, ("main_hall", "lobby"), 60), ("groups", 180, 240, ("meeting_rooms",), 30)]


@pytest.mark.meetings(CHECK_DUE)
def test_the_check_before_a_meeting_covers_its_zones_only(ctx, login_as):
    chief, gina = login_as("chief", "commander"), login_as("gina", "guard")
    today = sections(chief)["programme"]["today"]
    assert [(m["meeting_id"].split(".")[1], m["state"]) for m in today["meetings"]] == [
        ("plenary", "check_due"), ("groups", "upcoming")]
    assert today["next"]["meeting_id"].endswith(".plenary") and today["proposal"] is None
    board = sections(chief)["readiness"]["today"]
    assert board["meeting_id"].endswith(".plenary") and board["zones"] == ["main_hall", "lobby"]
    assert {c["area_id"] for c in board["cells"]} == {"main_hall", "lobby"}
    assert not board["ready"] and all(m["area_id"] in ("main_hall", "lobby") for m in board["missing"])

    for checklist in ctx.venue.checklists:  # walk the meeting's two zones; the rest of the venue stays unwalked
        for area in set(checklist.areas) & {"main_hall", "lobby"}:
            inspect(gina, ctx, checklist.id, area)
    board = chief.client.get("/api/v1/readiness").get_json()
    assert board["ready"] and board["missing"] == [], board["missing"]
    changed = chief.post("/api/v1/phase", json={"phase": "in_session"})  # no override needed
    assert changed.status_code == 201, changed.get_json()
    assert not changed.get_json()["event"]["data"].get("override_reason")


@pytest.mark.meetings(CHECK_DUE)
def test_a_hazard_outside_the_meetings_zones_does_not_gate_it(ctx, login_as):
    chief, gina = login_as("chief", "commander"), login_as("gina", "guard")
    items = ctx.venue.find("checklists", "electrical").items
    critical = next(i for i in items if i.critical)
    answer = gina.post("/api/v1/inspections", json={"checklist_id": "electrical", "area_id": "power_room", "results": [
        {"item_id": i.id, "ok": i.id != critical.id, **({"note": "RCD does not trip"} if i.id == critical.id else {})}
        for i in items]})
    assert answer.status_code == 201, answer.get_json()
    missing = chief.client.get("/api/v1/readiness").get_json()["missing"]
    assert missing and not any(m["code"] == "critical_hazard" for m in missing)


# Group sessions in the meeting rooms that began an hour ago and are about to end.
IN_SESSION = [("groups", -60, 10, ("meeting_rooms",), 30)]


@pytest.mark.meetings(IN_SESSION)
def test_the_clearance_after_a_meeting_covers_the_zones_it_used(ctx, login_as):
    chief, gina = login_as("chief", "commander"), login_as("gina", "guard")
    assert chief.post("/api/v1/phase", json={"phase": "post_event"}).status_code == 201
    board = gina.client.get("/api/v1/clearance").get_json()
    assert board["meeting_id"].endswith(".groups") and [z["zone_id"] for z in board["zones"]] == ["meeting_rooms"]
    refused = gina.post("/api/v1/clearance/main_hall", json={"people_found": 0})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "zone_not_in_round"
    done = gina.post("/api/v1/clearance/meeting_rooms", json={"people_found": 0})
    assert done.status_code == 201, done.get_json()
    assert [e["type"] for e in done.get_json()["events"]] == ["clearance.zone_confirmed", "clearance.completed"]
    assert done.get_json()["clearance"]["verdict"] == "cleared"
    meetings = sections(chief)["programme"]["today"]["meetings"]
    assert [m["state"] for m in meetings] == ["in_session"]  # its end has not come yet


def phase_due(who):
    """Return the open phase_due alerts the viewer's state lists."""
    return [a for a in sections(who)["alerts"].values() if a["kind"] == "phase_due"]


@pytest.mark.meetings(IN_SESSION)
def test_the_programme_proposes_the_phase_and_only_a_commander_changes_it(ctx, login_as):
    chief, op = login_as("chief", "commander"), login_as("op", "operator")
    now = ev.utc_now()
    raised = []
    watchers = [threading.Thread(target=lambda: raised.extend(service.propose_phase(ctx, now))) for _ in range(2)]
    [t.start() for t in watchers]
    [t.join() for t in watchers]
    assert len(raised) == 1  # two watchers, one proposal
    alert, = phase_due(op)
    assert alert["proposed_phase"] == "in_session" and alert["meeting_id"].endswith(".groups")
    assert alert["meeting_name"] == {"zh-CN": "会议groups", "en": "Meeting groups"}
    proposal = sections(chief)["programme"]["today"]["proposal"]
    assert proposal["phase"] == "in_session" and proposal["meeting_id"] == alert["meeting_id"]

    closing.close_resolved(ctx, now)  # the proposal alone changes nothing
    assert sections(chief)["phase"]["venue"]["phase"] == "pre_event" and len(phase_due(op)) == 1
    assert op.post("/api/v1/phase", json={"phase": "in_session", "override_reason": "x"}).status_code == 403
    confirmed = chief.post("/api/v1/phase", json={"phase": "in_session", "override_reason": "checked by hand"})
    assert confirmed.status_code == 201, confirmed.get_json()
    assert closing.close_resolved(ctx, ev.utc_now()) == [alert["alert_id"]]
    assert phase_due(op) == [] and sections(chief)["programme"]["today"]["proposal"] is None
    assert service.propose_phase(ctx, ev.utc_now()) == []  # confirmed: nothing more to propose


def test_a_venue_without_a_programme_has_no_meetings_no_scope_and_no_proposal(ctx, login_as):
    chief = login_as("chief", "commander")
    today = sections(chief)["programme"]["today"]
    assert today["meetings"] == [] and today["next"] is None and today["proposal"] is None
    board = sections(chief)["readiness"]["today"]
    assert board["meeting_id"] is None and board["zones"] is None
    assert {c["area_id"] for c in board["cells"]} == {a for c in ctx.venue.checklists for a in c.areas}
    assert service.propose_phase(ctx, ev.utc_now()) == []
    assert chief.post("/api/v1/phase", json={"phase": "post_event"}).status_code == 201
    zones = [z["zone_id"] for z in chief.client.get("/api/v1/clearance").get_json()["zones"]]
    assert zones == [z.id for z in ctx.venue.zones]


# Group sessions that began an hour ago and end in 10 minutes, then a plenary this afternoon.
TWO = [("groups", -60, 10, ("meeting_rooms",), 30), ("plenary", 120, 200, ("main_hall", "lobby"), 60)]


@pytest.mark.meetings(TWO)
def test_the_timeline_and_the_report_take_a_meeting(ctx, login_as):
    chief = login_as("chief", "commander")
    assert chief.post("/api/v1/phase", json={"phase": "post_event"}).status_code == 201  # now: inside groups' window
    groups = sections(chief)["programme"]["today"]["meetings"][0]["meeting_id"]
    plenary = groups.replace(".groups", ".plenary")
    of_groups = chief.client.get(f"/api/v1/events?meeting={groups}&type=phase.changed").get_json()["events"]
    assert [e["data"]["phase"] for e in of_groups] == ["post_event", "pre_event"]  # the bootstrap too: both now
    assert chief.client.get(f"/api/v1/events?meeting={plenary}").get_json()["events"] == []
    unknown = chief.client.get("/api/v1/events?meeting=2026-01-01.nothing")
    assert unknown.status_code == 400 and "meeting" in unknown.get_json()["error"]["fields"]

    report = chief.client.get(f"/api/v1/reports?meeting={groups}")
    assert report.status_code == 200, report.get_json()
    window = schedule.windows(ctx.venue, groups)
    assert (report.get_json()["start"], report.get_json()["end"]) == (ev.iso(window[0]), ev.iso(window[1]))
    assert chief.client.get("/api/v1/reports?meeting=nope").status_code == 400


@pytest.mark.meetings(CHECK_DUE)
def test_once_the_next_meetings_check_is_due_the_programme_proposes_pre_event(ctx, login_as):
    chief, op = login_as("chief", "commander"), login_as("op", "operator")
    assert service.propose_phase(ctx, ev.utc_now()) == []  # the venue opens in pre_event: nothing to propose
    assert chief.post("/api/v1/phase", json={"phase": "post_event"}).status_code == 201  # the last meeting's clearance
    assert len(service.propose_phase(ctx, ev.utc_now())) == 1
    alert, = phase_due(op)
    assert alert["proposed_phase"] == "pre_event" and alert["meeting_id"].endswith(".plenary")
    assert alert["meeting_at"] == sections(chief)["programme"]["today"]["meetings"][0]["check_from_local"]
    assert sections(chief)["programme"]["today"]["proposal"]["phase"] == "pre_event"
    assert chief.post("/api/v1/phase", json={"phase": "pre_event"}).status_code == 201
    assert closing.close_resolved(ctx, ev.utc_now()) == [alert["alert_id"]]
    assert sections(chief)["programme"]["today"]["proposal"] is None
