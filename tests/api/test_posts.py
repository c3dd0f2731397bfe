"""Posts and reliefs over HTTP: on and off duty, a relief with its handover note, understaffed alerts."""
import datetime as dt
import threading

import pytest

from server import events as ev
from server.posts import service, settings
from server.venue import SectionError

pytestmark = pytest.mark.usefixtures("quick_hashes")


def on(who, post, **body):
    """Go on duty at a post; return the answer."""
    return who.post(f"/api/v1/posts/{post}/on-duty", json=body)


def off(who, post, **body):
    """Go off duty at a post; return the answer."""
    return who.post(f"/api/v1/posts/{post}/off-duty", json=body)


def posts_of(client):
    """Return the posts section of the state, keyed by post id."""
    answer = client.get("/api/v1/state")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["sections"]["posts"]


def test_a_relief_hands_over_the_note_first_and_takes_the_old_guard_off_duty(login_as):
    zhang, li, op = login_as("zhang", "guard"), login_as("li", "guard"), login_as("op1", "operator")
    assert on(zhang, "P-E1").status_code == 201
    row = posts_of(op.client)["P-E1"]
    assert [g["username"] for g in row["on_duty"]] == ["zhang"] and row["staffing"] == "staffed"
    assert row["name"] == {"zh-CN": "北门岗", "en": "North gate post"}

    left = off(zhang, "P-E1", handover="东侧护栏松动，已报修；车牌沪B的快递车 14:00 到")
    assert left.status_code == 201 and left.get_json()["post"]["on_duty"] == []
    took = on(li, "P-E1")
    assert took.status_code == 201
    assert took.get_json()["handover"]["note"].startswith("东侧护栏松动") and took.get_json()["handover"]["by"] == "zhang"

    assert on(zhang, "P-E1").status_code == 201  # back for the afternoon; then relieved by li's colleague
    wang = login_as("wang", "guard")
    relieved = on(wang, "P-E1", relieves="zhang")
    assert relieved.status_code == 201
    assert sorted(g["username"] for g in relieved.get_json()["post"]["on_duty"]) == ["li", "wang"]
    assert on(wang, "P-E1", relieves="zhang").status_code == 409  # zhang is gone already


def test_a_guard_stands_at_one_post_and_refusals_are_clear(login_as):
    zhang = login_as("zhang", "guard")
    assert on(zhang, "P-E2").status_code == 201
    moved = on(zhang, "P-HALL")
    assert moved.status_code == 201 and [e["type"] for e in moved.get_json()["events"]] == ["post.off_duty", "post.on_duty"]
    state = {p["post_id"]: p for p in zhang.client.get("/api/v1/posts").get_json()["posts"]}
    assert state["P-E2"]["on_duty"] == [] and [g["username"] for g in state["P-HALL"]["on_duty"]] == ["zhang"]
    assert on(zhang, "P-HALL").status_code == 409
    refused = zhang.post("/api/v1/posts/P-E2/off-duty", json={}, headers={"Accept-Language": "zh-CN"})
    assert refused.status_code == 409 and "不在这个岗位" in refused.get_json()["error"]["message"]
    assert on(zhang, "NOPE").status_code == 404
    assert zhang.post("/api/v1/posts/P-E1/on-duty", json={"relieves": "zhang"}).status_code == 400


def test_a_display_sees_that_someone_stands_there_but_not_who_nor_the_note(login_as):
    zhang, wall = login_as("zhang", "guard"), login_as("wall", "display")
    assert on(zhang, "P-E3").status_code == 201
    assert off(zhang, "P-E3", handover="张三的电话 13912345670").status_code == 201
    assert on(zhang, "P-E3").status_code == 201
    row = posts_of(wall.client)["P-E3"]
    assert row["on_duty"][0]["username"] != "zhang" and "note" not in (row["handover"] or {})
    assert "13912345670" not in str(wall.client.get("/api/v1/posts").get_json())


def test_an_understaffed_post_in_session_alerts_once_even_with_two_watchers(login_as, ctx):
    chief, zhang = login_as("chief", "commander"), login_as("zhang", "guard")
    assert on(zhang, "P-E1").status_code == 201  # one of the two the gate needs in session
    assert chief.post("/api/v1/phase", json={"phase": "in_session", "override_reason": "test"}).status_code == 201
    now = ev.utc_now()
    assert service.check_understaffed(ctx, now) == []  # within the grace period
    later = now + dt.timedelta(minutes=6)
    raised = []
    threads = [threading.Thread(target=lambda: raised.extend(service.check_understaffed(ctx, later))) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(raised) == ["P-E1", "P-E2", "P-E3", "P-E4", "P-E5", "P-HALL"]  # each once
    alerts = [a for a in chief.client.get("/api/v1/state").get_json()["sections"]["alerts"].values()
              if a["kind"] == "post_understaffed"]
    assert len(alerts) == 6 and {a["post_id"]: (a["needed"], a["on_duty_count"]) for a in alerts}["P-E1"] == (2, 1)
    assert service.check_understaffed(ctx, later) == []


@pytest.mark.parametrize("section, where", [
    ([{"id": "A", "name": {"zh-CN": "甲", "en": "A"}}, {"id": "A", "name": {"zh-CN": "乙", "en": "B"}}], "posts[1].id"),
    ([{"id": "A", "name": {"zh-CN": "甲"}}], "posts[0].name"),
    ([{"id": "A", "name": {"zh-CN": "甲", "en": "A"}, "needs": {"in_session": -1}}], "posts[0].needs.in_session"),
    ([{"id": "A b", "name": {"zh-CN": "甲", "en": "A"}}], "posts[0].id"),
])
def test_the_venue_files_posts_are_checked_with_the_key_at_fault(section, where):
    with pytest.raises(SectionError) as raised:
        settings.parse(section)
    assert raised.value.where == where


def test_the_understaffed_alert_closes_itself_once_the_post_has_its_guards(login_as, ctx):
    from server.alerts import closing
    chief, zhang, li = login_as("chief", "commander"), login_as("zhang", "guard"), login_as("li", "guard")
    assert chief.post("/api/v1/phase", json={"phase": "in_session", "override_reason": "test"}).status_code == 201
    later = ev.utc_now() + dt.timedelta(minutes=6)
    assert "P-E1" in service.check_understaffed(ctx, later)

    def open_post_alerts():
        return {a["post_id"] for a in chief.client.get("/api/v1/state").get_json()["sections"]["alerts"].values()
                if a["kind"] == "post_understaffed"}
    assert "P-E1" in open_post_alerts()
    assert on(zhang, "P-E1").status_code == 201
    closing.close_resolved(ctx, later)
    assert "P-E1" in open_post_alerts()  # one of two: still short
    assert on(li, "P-E1").status_code == 201
    closing.close_resolved(ctx, later)
    assert "P-E1" not in open_post_alerts()
