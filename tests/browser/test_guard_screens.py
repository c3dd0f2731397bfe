"""The guard's screens at 390×844 as a guard works them: errors in view, the pass a gate needs,
Pass/Fail that look chosen only when chosen, Tab in the order of the layout, the phase's main
action first, the same names on tiles and screens — and screenshots in both languages."""
import pytest
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, shot, sign_in_api

GUARD = "guard_sun"


def _phone(make_context, live_server, view="home", lang="zh-CN"):
    live_server.add_user(GUARD, "guard", PASSWORD, display_name="孙八")
    context = make_context(viewport=PHONE, mobile=True, lang=lang)
    sign_in_api(context, GUARD)
    page = context.new_page()
    page.goto(f"/guard?lang={lang}" + ("" if view == "home" else f"#{view}"))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return context, page


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_check_in_without_checkpoint_shows_its_error_above_the_bottom_panel(make_context, live_server, lang):
    context, page = _phone(make_context, live_server, "checkin", lang)
    page.locator("[data-checkin] [data-submit]").click()
    error = page.locator('[data-checkin] [data-error-for="checkpoint_id"]')
    expect(error).to_be_visible()
    expect(error).to_have_text("请选择签到点位" if lang == "zh-CN" else "Choose a checkpoint")
    box = error.bounding_box()
    panel = page.locator("[data-checkin] .g-bottom").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= panel["y"], (box, panel)
    shot(page, f"guard-checkin-error-{lang}")


def test_the_vehicle_form_says_the_pass_e3_requires_and_warns_before_saving_without(make_context, live_server):
    context, page = _phone(make_context, live_server, "vehicle")
    form = page.locator("[data-vehicle]")
    form.locator('[data-entrance="E2"]').click()
    expect(form.locator("[data-pass-hint]")).to_have_text("(选填)")
    form.locator('[data-entrance="E3"]').click()
    expect(form.locator("[data-pass-hint]")).to_have_text("(E3 必填)")
    page.locator("#vh-plate").fill("沪B12345")
    form.locator("[data-submit]").click()
    warning = form.locator('[data-error-for="pass_id"]')
    expect(warning).to_contain_text("E3 要求车辆通行证")
    shot(page, "guard-vehicle-pass-zh-CN")
    expect(page.locator("[data-toast]")).to_be_hidden()  # nothing saved yet
    page.locator("#vh-pass").fill("P-0042")
    expect(warning).to_be_hidden()
    form.locator("[data-submit]").click()
    toast = page.locator("[data-toast]")
    expect(toast).to_contain_text("沪B12345")
    expect(toast).not_to_contain_text("无通行证")


def test_pass_and_fail_look_chosen_only_once_chosen(make_context, live_server):
    context, page = _phone(make_context, live_server, "inspection")
    page.locator('[data-checklist="elevators"]').click()
    page.locator('[data-area="lobby"]').click()
    yes, no = page.locator('[data-answer="pass"]'), page.locator('[data-answer="fail"]')
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(no).to_have_attribute("aria-pressed", "false")
    white = "rgb(255, 255, 255)"
    assert yes.evaluate("e => getComputedStyle(e).backgroundColor") == white  # not pre-selected
    no.click()
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    assert yes.evaluate("e => getComputedStyle(e).backgroundColor") == white
    assert no.evaluate("e => getComputedStyle(e).backgroundColor") != white
    page.locator("#ins-note").fill("门禁卡读卡器失灵")
    page.locator('[data-view="inspection"] [data-next]').click()
    expect(page.locator("[data-progress]")).to_contain_text("2 / 4")
    yes.click()  # the second item passes…
    page.locator('[data-view="inspection"] [data-step="walk"] [data-prev]').click()
    expect(page.locator("[data-progress]")).to_contain_text("2 / 4")
    expect(yes).to_have_attribute("aria-pressed", "true")  # …and shows as passed when revisited
    expect(no).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_tiles_and_screens_carry_the_same_names(make_context, live_server, lang):
    context, page = _phone(make_context, live_server, "home", lang)
    expect(page.locator("[data-offline-ready]")).to_have_attribute("data-state", "ready")
    shot(page, f"guard-home-{lang}")
    tile = page.locator('.g-home [data-go="inspection"]').inner_text().strip()
    page.locator('.g-home [data-go="inspection"]').click()
    assert page.locator('[data-view="inspection"] h1').inner_text().strip() == tile
    assert tile == ("设施检查" if lang == "zh-CN" else "Facility inspection")


def _tab_order(page):
    """Return the home tiles in the order Tab reaches them."""
    page.locator(".g-head").click()
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        go = page.evaluate("document.activeElement.closest('.g-home') ? document.activeElement.dataset.go || '' : null")
        if go:
            seen.append(go)
        elif seen and go is None:
            break
    return seen


def _layout_order(page):
    """Return the home tiles in reading order (rows top to bottom, left to right)."""
    boxes = page.eval_on_selector_all(".g-home a[data-go]:not([hidden])", """els => els.map((e) => {
      const r = e.getBoundingClientRect(); return [Math.round(r.top), Math.round(r.left), e.dataset.go]; })""")
    return [go for _, _, go in sorted(boxes)]


def test_home_tab_order_follows_the_layout_and_after_the_meeting_clearance_comes_first(make_context, live_server):
    context, page = _phone(make_context, live_server)
    expect(page.locator(".g-home .g-tile.primary")).to_have_attribute("data-go", "checkin")
    assert _tab_order(page) == _layout_order(page)
    live_server.add_user("chief_sun", "commander", PASSWORD)
    moved = live_server.post("/api/v1/phase", live_server.token("chief_sun"),
                             {"phase": "post_event", "override_reason": "test: the meeting ended"})
    assert moved.status_code in (200, 201), moved.text
    # The phase arrives live: clearance becomes the main action, check-in a tile.
    expect(page.locator(".g-home .g-tile.primary")).to_have_attribute("data-go", "clearance")
    shot(page, "guard-home-post-event-zh-CN")
    assert _tab_order(page) == _layout_order(page)
    layout = _layout_order(page)
    assert layout.index("clearance") < layout.index("checkin")
    page.reload()
    expect(page.locator(".g-home .g-tile.primary")).to_have_attribute("data-go", "clearance")
    assert _tab_order(page) == _layout_order(page)
