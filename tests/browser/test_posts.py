"""Posts on the phone and the wall: a guard takes a post and reads the handover note left there
first; the wall shows who stands at each post since when, short posts first, in both languages."""
import pytest
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, WALL, shot, sign_in_api


def post(server, who, path, body, status=201):
    """POST as a user (device token); return the answer's body."""
    answer = server.post(path, server.token(who), body)
    assert answer.status_code == status, answer.text
    return answer.json()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_relief_reads_the_handover_first_and_the_wall_shows_who_is_where(make_context, live_server, lang):
    old, new, op = f"post_old_{lang[:2]}", f"post_new_{lang[:2]}", f"post_op_{lang[:2]}"
    live_server.add_user(old, "guard", PASSWORD, display_name="张伟" if lang == "zh-CN" else "Zhang Wei")
    live_server.add_user(new, "guard", PASSWORD, display_name="李娜" if lang == "zh-CN" else "Li Na")
    live_server.add_user(op, "operator", PASSWORD)
    post(live_server, old, "/api/v1/posts/P-E1/on-duty", {})
    note = "东侧护栏松动，已报修" if lang == "zh-CN" else "East fence loose, reported"
    post(live_server, old, "/api/v1/posts/P-E1/off-duty", {"handover": note})

    phone = make_context(viewport=PHONE, mobile=True, lang=lang)
    sign_in_api(phone, new)
    page = phone.new_page()
    page.goto("/guard#post")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    row = page.locator('[data-post-list] li[data-post-id="P-E1"]')
    expect(row).to_contain_text("北门岗" if lang == "zh-CN" else "North gate post")
    row.locator("[data-post-on]").click()
    handover = page.locator("[data-post-handover]")
    expect(handover).to_be_visible()
    expect(handover).to_contain_text(note)
    expect(handover).to_contain_text("张伟" if lang == "zh-CN" else "Zhang Wei")
    expect(page.locator("[data-post-mine]")).to_contain_text("北门岗" if lang == "zh-CN" else "North gate post")
    shot(page, f"post-phone-{lang}")

    wall = make_context(viewport=WALL, lang=lang)
    sign_in_api(wall, op)
    control = wall.new_page()
    control.goto("/control")
    panel = control.locator("[data-posts-panel]")
    expect(panel).to_be_visible()
    first = panel.locator("[data-posts-list] li").first
    expect(first).to_have_attribute("data-staffing", "unstaffed")  # short posts first, marked in words
    mine = panel.locator('li[data-post="P-E1"]')
    expect(mine).to_contain_text("李娜" if lang == "zh-CN" else "Li Na")
    expect(mine).to_contain_text("1/1" if lang == "zh-CN" else "1 of 1")
    shot(control, f"post-wall-{lang}")

    page.locator("[data-post-note]").fill("交班" if lang == "zh-CN" else "all quiet")
    page.locator("[data-post-off]").click()
    expect(page.locator("[data-post-mine]")).to_be_hidden()
    expect(mine).to_have_attribute("data-staffing", "unstaffed")  # live on the wall
