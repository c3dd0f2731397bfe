"""The guard's phone and the control-room wall, end to end on a real server and Chromium."""
import datetime as dt
import re

from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, outbox_items, sign_in_api, sign_in_page

GUARD, OPERATOR = "guard_zhang", "operator_li"


def _users(live_server):
    """Create the guard and the operator used here."""
    live_server.add_user(GUARD, "guard", PASSWORD, display_name="张三")
    live_server.add_user(OPERATOR, "operator", PASSWORD, display_name="李四")


def _open_checkin(page):
    """Go from the guard's home to the check-in form."""
    page.locator('a[data-go="checkin"]').click()
    expect(page.locator("[data-checkin]")).to_be_visible()


def test_checkin_on_phone_appears_live_on_control_screen(make_context, live_server):
    _users(live_server)
    # E3 was last patrolled 45 minutes ago: overdue at 30 minutes (pre_event).
    token = live_server.token(GUARD)
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=45)).isoformat()
    seeded = live_server.post("/api/v1/checkins", token, {"checkpoint_id": "E3", "status": "clear", "observed_at": old})
    assert seeded.status_code == 201, seeded.text

    control_ctx = make_context()
    sign_in_api(control_ctx, OPERATOR)
    control = control_ctx.new_page()
    control.goto("/control")
    expect(control.locator("[data-conn]")).to_have_attribute("data-state", "live")
    marker = control.locator('[data-marker="E3"]')
    expect(marker).to_have_attribute("data-status", "overdue")

    phone_ctx = make_context(viewport=PHONE, mobile=True)
    phone = phone_ctx.new_page()
    phone.goto("/guard")
    expect(phone).to_have_url(re.compile(r"/login\?next=(%2F|/)guard$"))
    sign_in_page(phone, GUARD)
    expect(phone.locator("[data-guard-name]")).to_have_text("张三")
    _open_checkin(phone)
    phone.locator('[data-checkpoint="E3"]').click()
    phone.locator("[data-checkin] [data-submit]").click()
    toast = phone.locator("[data-toast]")
    expect(toast).to_have_attribute("data-kind", "ok")
    expect(toast).to_contain_text("已保存")
    expect(toast).to_contain_text("E3")
    expect(phone.locator("[data-outbox-badge]")).to_be_hidden()

    expect(marker).to_have_attribute("data-status", "fresh")
    # The newest check-in line (the overdue alert it closed may be listed above it).
    first_line = control.locator('[data-feed] li[data-type="patrol.checkin"]').first
    expect(first_line).to_contain_text("E3 南门（车辆入口）")
    expect(first_line).to_contain_text("巡查签到 正常")
    expect(first_line).to_contain_text("张三")  # the guard's name, not the login
    expect(control.locator('[data-patrols] li[data-checkpoint="E3"]')).to_contain_text("张三")
    assert control.url.endswith("/control")  # no reload happened

    # The overdue alert the server raised for E3 closes itself: its cause (no visit) is gone.
    expect(control.locator('[data-alerts] li[data-kind="patrol_overdue"]').filter(has_text="E3")).to_have_count(
        0, timeout=30000)


def test_control_shows_venue_name_in_each_language(make_context, live_server):
    _users(live_server)
    names = live_server.ctx.venue.to_public()["name"]
    context = make_context(lang="en")
    sign_in_api(context, OPERATOR)
    page = context.new_page()
    page.goto("/control?lang=zh-CN")
    expect(page.locator(".c-venue")).to_have_text(names["zh-CN"])
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("link", name="English").click()
    expect(page.locator(".c-venue")).to_have_text(names["en"])
    expect(page.locator("[data-patrols] li").first).to_be_visible()
    page.goto("/control")  # the choice is remembered in the lang cookie
    expect(page.locator(".c-venue")).to_have_text(names["en"])
    expect(page.locator("[data-conn-label]")).to_have_text("Live")


def test_issue_without_note_shows_inline_error_and_sends_nothing(make_context, live_server):
    _users(live_server)
    context = make_context(viewport=PHONE, mobile=True, lang="en")
    sign_in_api(context, GUARD)
    page = context.new_page()
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" and "/api/v1/checkins" in r.url else None)
    page.goto("/guard?lang=en#checkin")
    page.locator('[data-checkpoint="C1"]').click()
    page.locator("label.g-toggle.issue").click()
    expect(page.locator("[data-note-hint]")).to_contain_text("required")
    page.locator("[data-checkin] [data-submit]").click()
    error = page.locator("#note-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("Describe the issue in the note")
    expect(page.locator("#note")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#note")).to_be_focused()
    assert posted == []
    assert outbox_items(page) == []
    page.locator("#note").fill("Side door found unlocked")
    expect(error).to_be_hidden()


def test_guard_phone_follows_a_phase_change_live(make_context, live_server):
    """The commander changes the phase: the guard's phone shows it without a reload."""
    _users(live_server)
    live_server.add_user("chief_wang", "commander", PASSWORD)
    phone_ctx = make_context(viewport=PHONE, mobile=True, lang="en")
    sign_in_api(phone_ctx, GUARD)
    phone = phone_ctx.new_page()
    phone.goto("/guard")
    expect(phone.locator("body")).to_have_attribute("data-ready", "true")
    phone.evaluate("window.__noReload = true")
    current = live_server.ctx.store.projection("meta")["phase"]["phase"]
    target = "post_event" if current != "post_event" else "in_session"
    answer = live_server.post("/api/v1/phase", live_server.token("chief_wang"), {"phase": target, "override_reason": "test arranged without inspections"})
    assert answer.status_code == 201, answer.text
    name = live_server.ctx.venue.find("phases", target).name["en"]  # the venue file's own name
    expect(phone.locator("[data-phase-name]")).to_have_text(name, timeout=10000)
    assert phone.evaluate("window.__noReload") is True
