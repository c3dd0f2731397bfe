"""/command/replay: the wall at a past moment — a visitor appears and disappears as the slider moves."""
import time

import pytest
from playwright.sync_api import expect

from unit_ids import ID

from .pw_helpers import PASSWORD, sign_in_api

BODY = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
        "purpose": "会议", "entrance_id": "E1", "organization": "市政府"}
BADGE = {"zh-CN": "回放", "en": "REPLAY"}


def local_seconds(stream_id):
    """Return the seconds after Asia/Shanghai midnight of an event (the slider's scale)."""
    return (int(stream_id.split("-")[0]) // 1000 + 8 * 3600) % 86400


@pytest.fixture
def visit(live_server):
    """A visitor who came in and left again at least two seconds later: (registered, checked out) ids."""
    live_server.add_user("rp_gate", "guard", PASSWORD)
    token = live_server.token("rp_gate")
    # The server is shared by the module's tests: a second before this visit must not fall
    # inside an earlier test's visit of the same person (it left only just now).
    time.sleep(2.1)
    came = live_server.post("/api/v1/visitors", token, BODY)
    assert came.status_code == 201, came.text
    time.sleep(2.1)  # set-up, not an assertion: the slider moves in whole seconds
    left = live_server.post(f"/api/v1/visitors/{came.json()['visitor']['visitor_id']}/checkout", token,
                            {"entrance_id": "E1"})
    assert left.status_code == 200, left.text
    return came.json()["event"]["id"], left.json()["event"]["id"]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_moving_the_slider_shows_a_visitor_come_and_go(make_context, live_server, visit, lang):
    came, left = visit
    live_server.add_user("rp_chief", "commander", PASSWORD)
    context = make_context(lang=lang)
    sign_in_api(context, "rp_chief")
    page = context.new_page()
    page.goto(f"/command/replay?at={came}")
    badge = page.locator("[data-replay-badge]")
    expect(badge).to_contain_text(BADGE[lang])
    assert page.locator("[data-conn]").count() == 0  # no live indicator on a replay
    counter = page.locator('[data-counter="visitors"]')
    listed = page.locator("[data-visitors-list]")
    expect(counter).to_have_text("1")
    expect(listed).to_contain_text("张三丰")
    slider = page.locator("[data-replay-slider]")
    slider.fill(str(local_seconds(left) + 1))
    expect(counter).to_have_text("0")
    expect(listed).not_to_contain_text("张三丰")
    slider.fill(str(local_seconds(came) + 1))
    expect(counter).to_have_text("1")
    expect(listed).to_contain_text("张三丰")
    slider.fill(str(local_seconds(came) - 1))
    expect(counter).to_have_text("0")


def test_play_at_x60_moves_on_past_the_checkout(make_context, live_server, visit):
    came, _left = visit
    live_server.add_user("rp_chief2", "commander", PASSWORD)
    context = make_context()
    sign_in_api(context, "rp_chief2")
    page = context.new_page()
    page.goto(f"/command/replay?at={came}")
    counter = page.locator('[data-counter="visitors"]')
    expect(counter).to_have_text("1")
    page.locator('[data-replay-speed="60"]').click()
    page.locator("[data-replay-play]").click()
    expect(counter).to_have_text("0")


@pytest.mark.parametrize("role", ["guard", "operator"])
def test_guards_and_operators_may_not_open_the_replay(make_context, live_server, role):
    live_server.add_user(f"rp_{role}", role, PASSWORD)
    context = make_context()
    sign_in_api(context, f"rp_{role}")
    page = context.new_page()
    answer = page.goto("/command/replay")
    assert answer.status == 403
