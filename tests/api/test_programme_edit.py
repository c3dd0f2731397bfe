"""A commander edits the programme: a day's meetings replace the venue file's, readiness, clearance
and the wall follow at once, bad input is named field by field, and the venue file's day comes back."""
import datetime as dt

import pytest

from server import events as ev
from server.programme import schedule
from support import programme_venue, settings_for

pytestmark = pytest.mark.usefixtures("quick_hashes")
NAMES = {"zh-CN": "分组讨论", "en": "Group discussion"}
# Group sessions in the meeting rooms from 30 minutes from now (their check is due now).
FILE_DAY = [("groups", 30, 120, ("meeting_rooms",), 60)]


@pytest.fixture
def ctx(redis_server, tmp_path, request):
    """Services on a venue whose file has today's group sessions (the app and logins use these)."""
    from server.app import build_context
    redis_server.client().flushall()
    path, request.node.local_now = programme_venue(request.node.name[:40].replace("[", "-").replace("]", ""), FILE_DAY)
    return build_context(settings_for(redis_server.url, tmp_path, venue=path))


@pytest.fixture
def venue(ctx, request):
    """Return the services and the venue-local now the programme was written around."""
    return ctx, request.node.local_now


def hm(local, minutes):
    """Return the venue-local HH:MM `minutes` from now."""
    return (local + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def plenary(local, **change):
    """Return a plenary in the main hall and lobby from 30 minutes from now, as the editor sends it."""
    return {"id": "plenary", "name": {"zh-CN": "全体会议", "en": "Plenary"}, "start": hm(local, 30),
            "end": hm(local, 150), "zones": ["main_hall", "lobby"], "check_before_min": 60, **change}


def sections(who):
    """Return the viewer's sections of the state."""
    return who.client.get("/api/v1/state").get_json()["sections"]


def test_a_commanders_day_replaces_the_files_and_readiness_follows(venue, login_as):
    ctx, local = venue
    chief, op = login_as("chief", "commander"), login_as("op", "operator")
    today = local.date().isoformat()
    assert sections(chief)["readiness"]["today"]["zones"] == ["meeting_rooms"]  # the file's meeting
    body = {"date": today, "meetings": [plenary(local)], "reason": "moved to the main hall"}
    assert op.post("/api/v1/programme/days", json=body).status_code == 403
    changed = chief.post("/api/v1/programme/days", json=body, headers={"Idempotency-Key": "edit-1"})
    assert changed.status_code == 201, changed.get_json()
    again = chief.post("/api/v1/programme/days", json=body, headers={"Idempotency-Key": "edit-1"})
    assert again.get_json()["event"]["id"] == changed.get_json()["event"]["id"]  # one fact for a retry

    meetings = sections(op)["programme"]["today"]["meetings"]
    assert [(m["meeting_id"], m["state"]) for m in meetings] == [(f"{today}.plenary", "check_due")]
    board = sections(op)["readiness"]["today"]
    assert board["meeting_id"] == f"{today}.plenary" and board["zones"] == ["main_hall", "lobby"]
    listed = op.client.get("/api/v1/programme").get_json()["days"][0]
    assert listed["date"] == today and listed["source"] == "edited" and listed["edited_by"] == "chief"
    assert listed["reason"] == "moved to the main hall" and listed["meetings"][0]["zones"] == ["main_hall", "lobby"]
    audit = chief.client.get("/api/v1/audit").get_json()["entries"]
    assert [(e["action"], e["subject"]) for e in audit][:1] == [("programme.edit", today)]
    types = [e["type"] for e in op.client.get("/api/v1/events?type=programme.day_set").get_json()["events"]]
    assert types == ["programme.day_set"]


def test_no_meetings_cancels_the_day_and_the_files_day_comes_back(venue, login_as):
    ctx, local = venue
    chief = login_as("chief", "commander")
    today = local.date().isoformat()
    assert chief.post(f"/api/v1/programme/days/{today}/reset", json={}).status_code == 404  # nothing edited
    assert chief.post("/api/v1/programme/days", json={"date": today, "meetings": []}).status_code == 201
    assert sections(chief)["programme"]["today"]["meetings"] == []
    board = sections(chief)["readiness"]["today"]
    assert board["meeting_id"] is None and {c["area_id"] for c in board["cells"]} == {
        a for c in ctx.venue.checklists for a in c.areas}  # no meeting at hand: every area, as without a programme
    reset = chief.post(f"/api/v1/programme/days/{today}/reset", json={"reason": "back as planned"})
    assert reset.status_code == 201 and reset.get_json()["event"]["type"] == "programme.day_reset"
    assert [m["meeting_id"] for m in sections(chief)["programme"]["today"]["meetings"]] == [f"{today}.groups"]
    assert chief.client.get("/api/v1/programme").get_json()["days"][0]["source"] == "file"


def test_the_clearance_round_covers_the_zones_of_the_edited_meeting(venue, login_as):
    ctx, local = venue
    chief, gina = login_as("chief", "commander"), login_as("gina", "guard")
    today = local.date().isoformat()
    started = plenary(local, start=hm(local, -60), end=hm(local, 10), zones=["main_hall"])
    assert chief.post("/api/v1/programme/days", json={"date": today, "meetings": [started]}).status_code == 201
    assert chief.post("/api/v1/phase", json={"phase": "post_event"}).status_code == 201
    board = gina.client.get("/api/v1/clearance").get_json()
    assert board["meeting_id"] == f"{today}.plenary" and [z["zone_id"] for z in board["zones"]] == ["main_hall"]


@pytest.mark.parametrize("change, field", [
    ({"end": "00:01"}, "meetings.0.end"),
    ({"start": "9:00"}, "meetings.0.start"),
    ({"zones": ["main_hall", "hal"]}, "meetings.0.zones.1"),
    ({"zones": []}, "meetings.0.zones"),
    ({"name": {"zh-CN": "全体会议"}}, "meetings.0.name.en"),
    ({"check_before_min": 721}, "meetings.0.check_before_min"),
])
def test_a_bad_meeting_is_named_field_by_field(venue, login_as, change, field):
    ctx, local = venue
    chief = login_as("chief", "commander")
    body = {"date": local.date().isoformat(), "meetings": [plenary(local, **change)]}
    answer = chief.post("/api/v1/programme/days", json=body, headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 400, answer.get_json()
    fields = answer.get_json()["error"]["fields"]
    assert list(fields) == [field], fields
    assert any("\u4e00" <= ch <= "\u9fff" for ch in fields[field]), fields  # in the reader's language
    assert sections(chief)["programme"]["today"]["meetings"][0]["meeting_id"].endswith(".groups")  # nothing changed


def test_overlaps_duplicates_and_past_days_are_refused(venue, login_as):
    ctx, local = venue
    chief = login_as("chief", "commander")
    today = local.date().isoformat()
    later = plenary(local, id="groups", start=hm(local, 100), end=hm(local, 200))
    overlap = chief.post("/api/v1/programme/days", json={"date": today, "meetings": [plenary(local), later]})
    assert list(overlap.get_json()["error"]["fields"]) == ["meetings.1.start"]
    twice = plenary(local, start=hm(local, 160), end=hm(local, 200))
    duplicate = chief.post("/api/v1/programme/days", json={"date": today, "meetings": [plenary(local), twice]})
    assert list(duplicate.get_json()["error"]["fields"]) == ["meetings.1.id"]
    yesterday = (local.date() - dt.timedelta(days=1)).isoformat()
    past = chief.post("/api/v1/programme/days", json={"date": yesterday, "meetings": [plenary(local)]})
    assert past.status_code == 400 and list(past.get_json()["error"]["fields"]) == ["date"]
    assert chief.post("/api/v1/programme/days/yesterday/reset", json={}).status_code == 400


def test_the_daily_template_can_be_edited_and_the_state_at_an_earlier_moment_keeps_the_old_day(venue, login_as):
    ctx, local = venue
    chief = login_as("chief", "commander")
    today = local.date().isoformat()
    before = chief.client.get("/api/v1/events?limit=1&order=desc").get_json()["events"][0]["id"]
    assert chief.post("/api/v1/programme/days", json={"date": "daily", "meetings": [plenary(local)]}).status_code == 201
    tomorrow = (local.date() + dt.timedelta(days=1)).isoformat()
    listed = chief.client.get(f"/api/v1/programme?from={today}&to={tomorrow}").get_json()
    assert [d["source"] for d in listed["days"]] == ["file", "template"]  # the dated day still wins today
    assert listed["days"][1]["occurrences"][0]["meeting_id"] == f"{tomorrow}.plenary"
    assert listed["template"]["source"] == "edited"
    assert chief.post("/api/v1/programme/days", json={"date": today, "meetings": []}).status_code == 201
    then = chief.client.get(f"/api/v1/state?at={before}").get_json()["sections"]["programme"]["today"]
    assert [m["meeting_id"] for m in then["meetings"]] == [f"{today}.groups"]  # replay: the day as it was
    assert schedule.windows(ctx.venue, f"{today}.groups")  # the file itself is untouched


def test_the_report_page_offers_the_chosen_days_meetings(venue, login_as):
    ctx, local = venue
    chief = login_as("chief", "commander")
    today = local.date().isoformat()
    page = chief.client.get(f"/command/reports?from={today}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert f'<option value="{today}.groups">{today} {hm(local, 30)} 会议groups</option>' in page
    chosen = chief.client.get(f"/command/reports?from={today}&meeting={today}.groups&lang=en").get_data(as_text=True)
    assert f"selected>{today} {hm(local, 30)} Meeting groups</option>" in chosen
    link = f"/api/v1/reports?meeting={today}.groups&amp;format=json"
    assert link in chosen
    report = chief.client.get(link.replace("&amp;", "&")).get_json()
    assert report["start"] == ev.iso(schedule.windows(ctx.venue, f"{today}.groups")[0])
