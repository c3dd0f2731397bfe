"""The programme on the screens: the wall says what comes next and when (both languages, 1920×1080),
and /command lists today's meetings and shows the phase the programme proposes, which changes
only once a commander confirms it."""
import os
import pathlib

import pytest
import requests
from playwright.sync_api import expect

from support import VENUE, LiveServer, programme_venue
from .pw_helpers import PASSWORD, sign_in_api

WALL = {"width": 1920, "height": 1080}
DESK = {"width": 1440, "height": 900}
SHOTS = os.environ.get("GW_SHOTS")
PLENARY = {"zh-CN": "全体会议", "en": "Plenary session"}
GROUPS = {"zh-CN": "分组会议", "en": "Group sessions"}
# The plenary starts in 40 minutes (its security check is due: it opened 20 minutes ago).
CHECK_DUE = [("plenary", 40, 160, ("main_hall", "lobby"), 60, PLENARY), ("groups", 240, 300, ("meeting_rooms",), 60, GROUPS)]
# Group sessions began 5 minutes ago; the plenary is this afternoon.
STARTED = [("groups", -5, 60, ("meeting_rooms",), 30, GROUPS), ("plenary", 120, 200, ("main_hall", "lobby"), 60, PLENARY)]


def shot(page, name):
    """Save a screenshot when GW_SHOTS names a directory (to look at; nothing is compared)."""
    if SHOTS:
        pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png")


@pytest.fixture
def live_server(live_redis, tmp_path, request):
    """A server on a venue whose programme the test's `meetings` mark gives, on a flushed Redis."""
    live_redis.client().flushall()
    marker = request.node.get_closest_marker("meetings")
    venue, local = programme_venue(f"browser-{request.node.name[:30]}", marker.args[0]) if marker else (VENUE, None)
    server = LiveServer(live_redis, tmp_path, venue=venue).start()
    server.local_now = local
    server.add_user("pg_chief", "commander", PASSWORD)
    server.add_user("pg_op", "operator", PASSWORD)
    yield server
    server.stop()


def hm(server, minutes):
    """Return the venue-local HH:MM `minutes` from the moment the venue was written."""
    import datetime as dt
    return (server.local_now + dt.timedelta(minutes=minutes)).strftime("%H:%M")


@pytest.mark.meetings(CHECK_DUE)
@pytest.mark.parametrize("lang, words", [("zh-CN", "全体会议 {start} — 安全检查 {check} 起"),
                                         ("en", "Plenary session {start} — security check from {check}")])
def test_the_wall_says_what_comes_next_and_when(make_context, live_server, lang, words):
    context = make_context(viewport=WALL, lang=lang)
    sign_in_api(context, "pg_op")
    wall = context.new_page()
    wall.goto("/control" + ("?lang=en" if lang == "en" else ""))
    expect(wall.locator("[data-conn]")).to_have_attribute("data-state", "live")
    line = wall.locator("[data-next-meeting]")
    expect(line).to_be_visible()
    expect(line.locator("[data-next-text]")).to_have_text(words.format(start=hm(live_server, 40), check=hm(live_server, -20)))
    size = line.locator("[data-next-text]").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 18
    box = line.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WALL["width"]  # inside the top bar, not cut off
    assert wall.locator(".c-top").evaluate("e => e.scrollWidth <= e.clientWidth")  # the bar does not spill over
    # the readiness panel covers the plenary's two zones only
    cells = wall.locator("[data-readiness-board] [data-cell]")
    expect(cells.first).to_be_attached()
    areas = {c.split("@")[1] for c in cells.evaluate_all("els => els.map(e => e.dataset.cell)")}
    assert areas == {"main_hall", "lobby"}
    shot(wall, f"control-programme-{lang}")


def phase_now(server, token):
    """Return the phase in force, read through the API."""
    state = requests.get(server.url + "/api/v1/state", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    return state["sections"]["phase"]["venue"]["phase"]


@pytest.mark.meetings(STARTED)
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_programme_proposes_the_phase_and_the_commander_confirms_it(make_context, live_server, lang):
    chief = live_server.token("pg_chief")
    context = make_context(viewport=DESK, lang=lang)
    sign_in_api(context, "pg_chief")
    page = context.new_page()
    page.goto("/command" + ("?lang=en" if lang == "en" else ""))
    control = page.locator("[data-phase-control]")
    expect(control).to_have_attribute("data-loaded", "true")
    proposal = control.locator("[data-phase-proposal]")
    expect(proposal).to_be_visible()
    expect(proposal.locator("[data-phase-proposal-text]")).to_have_text(
        f"日程提示：分组会议 {hm(live_server, -5)} — 进入“会议进行中”" if lang == "zh-CN"
        else f"The programme proposes: In session for Group sessions at {hm(live_server, -5)}")
    card = page.locator("[data-programme]")
    expect(card.locator("[data-meeting]")).to_have_count(2)
    expect(card.locator('[data-meeting$=".groups"] [data-meeting-state]')).to_have_text(
        "进行中" if lang == "zh-CN" else "In session")
    expect(card.locator('[data-meeting$=".plenary"] [data-meeting-state]')).to_have_text(
        "未开始" if lang == "zh-CN" else "Upcoming")
    shot(page, f"command-programme-{lang}")
    wall_context = make_context(viewport=WALL, lang=lang)
    sign_in_api(wall_context, "pg_op")
    wall = wall_context.new_page()
    wall.goto("/control" + ("?lang=en" if lang == "en" else ""))
    raised = wall.locator('[data-alert][data-kind="phase_due"]')  # the live server's watcher proposes
    expect(raised).to_contain_text(f"日程提示：分组会议 {hm(live_server, -5)}，请指挥员确认进入“会议进行中”" if lang == "zh-CN"
                                   else f"Programme: Group sessions at {hm(live_server, -5)} — a commander confirms In session")
    expect(wall.locator("[data-next-meeting]")).to_have_text(
        f"当前 分组会议 进行中，至 {hm(live_server, 60)}" if lang == "zh-CN"
        else f"Now Group sessions in session until {hm(live_server, 60)}")
    shot(wall, f"control-phase-due-{lang}")
    assert phase_now(live_server, chief) == "pre_event"  # proposed, not changed

    proposal.locator("[data-phase-proposal-confirm]").click()
    confirm = control.locator("[data-phase-confirm]")
    expect(confirm).to_be_visible()
    expect(confirm.locator("[data-phase-override]")).to_be_visible()  # the meeting rooms are not inspected
    assert phase_now(live_server, chief) == "pre_event"
    confirm.locator("[data-phase-reason]").fill("分组会议已开始，检查补做")
    confirm.locator("[data-phase-confirm-btn]").click()
    expect(control.locator("[data-phase-now]")).to_have_text("会议进行中" if lang == "zh-CN" else "In session")
    expect(proposal).to_be_hidden()
    assert phase_now(live_server, chief) == "in_session"
    expect(raised).to_have_count(0)  # the proposal closed itself once the phase changed


def test_without_a_programme_the_wall_and_the_desk_look_as_before(make_context, live_server):
    context = make_context(viewport=WALL)
    sign_in_api(context, "pg_chief")
    wall = context.new_page()
    wall.goto("/control")
    expect(wall.locator("[data-conn]")).to_have_attribute("data-state", "live")
    expect(wall.locator("[data-phase]")).to_have_text("会前准备")
    expect(wall.locator("[data-next-meeting]")).to_be_hidden()
    desk = context.new_page()
    desk.goto("/command")
    expect(desk.locator("[data-phase-control]")).to_have_attribute("data-loaded", "true")
    expect(desk.locator("[data-programme]")).to_be_hidden()
    expect(desk.locator("[data-phase-proposal]")).to_be_hidden()
    expect(desk.locator("[data-meeting-filter]")).to_be_hidden()


@pytest.mark.meetings(CHECK_DUE)
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_commander_edits_todays_programme_and_the_wall_follows(make_context, live_server, lang):
    suffix = "?lang=en" if lang == "en" else ""
    wall_context = make_context(viewport=WALL, lang=lang)
    sign_in_api(wall_context, "pg_op")
    wall = wall_context.new_page()
    wall.goto("/control" + suffix)
    next_text = wall.locator("[data-next-meeting] [data-next-text]")
    expect(next_text).to_contain_text(hm(live_server, 40))
    context = make_context(viewport=DESK, lang=lang)
    sign_in_api(context, "pg_chief")
    page = context.new_page()
    page.goto("/command" + suffix)
    editor = page.locator("[data-programme-edit]")
    expect(editor).to_have_attribute("data-loaded", "true")
    editor.locator("summary").click()  # folded under its title until opened
    day = editor.locator("[data-programme-day]")
    expect(day.locator(".programme-meeting")).to_have_count(2)
    expect(day.locator("[data-programme-source]")).to_have_text("来自场馆文件" if lang == "zh-CN" else "from the venue file")
    first = day.locator(".programme-meeting").first
    first.locator('[name="meetings.0.end"]').fill(hm(live_server, 30))  # before its start: refused, named
    day.locator("[data-programme-save]").click()
    error = first.locator('[data-error-for="meetings.0.end"]')
    expect(error).to_have_text("结束时间应晚于开始时间" if lang == "zh-CN" else "must be after start (a meeting ends on the day it starts)")
    expect(first.locator('[name="meetings.0.end"]')).to_have_attribute("aria-invalid", "true")
    first.locator('[name="meetings.0.start"]').fill(hm(live_server, 50))
    first.locator('[name="meetings.0.end"]').fill(hm(live_server, 170))
    first.locator('[data-zone="lobby"]').uncheck()
    day.locator("[data-programme-reason]").fill("开幕推迟十分钟 <b>x</b>")
    day.locator("[data-programme-save]").click()
    expect(day.locator("[data-programme-done]")).to_have_text("日程已保存" if lang == "zh-CN" else "Programme saved")
    expect(day.locator("[data-programme-source]")).to_contain_text("pg_chief")
    expect(day.locator("[data-programme-source]")).to_contain_text("开幕推迟十分钟 <b>x</b>")  # text, not markup
    expect(day.locator("[data-programme-reset]")).to_be_visible()
    expect(next_text).to_contain_text(hm(live_server, 50))  # the wall, live
    expect(next_text).to_contain_text(hm(live_server, -10))
    shot(page, f"command-programme-edit-{lang}")
    page.once("dialog", lambda dialog: dialog.accept())
    day.locator("[data-programme-reset]").click()
    expect(day.locator("[data-programme-done]")).to_have_text(
        "已恢复场馆文件中的安排" if lang == "zh-CN" else "The venue file's day is back")
    expect(next_text).to_contain_text(hm(live_server, 40))


def test_an_operator_sees_no_programme_editor(make_context, live_server):
    context = make_context(viewport=DESK)
    sign_in_api(context, "pg_op")
    page = context.new_page()
    page.goto("/command")
    expect(page.locator("[data-phase-control]")).to_have_attribute("data-loaded", "true")
    expect(page.locator("[data-programme-edit]")).to_have_count(0)


@pytest.mark.meetings(CHECK_DUE)
def test_the_phone_puts_the_meetings_areas_first_in_the_check(make_context, live_server):
    from .pw_helpers import PHONE
    live_server.add_user("pg_guard", "guard", PASSWORD)
    context = make_context(viewport=PHONE, mobile=True)
    sign_in_api(context, "pg_guard")
    phone = context.new_page()
    phone.goto("/guard")
    expect(phone.locator("body")).to_have_attribute("data-ready", "true")
    phone.locator('a[data-go="inspection"]').click()
    expect(phone.locator("[data-meeting-scope]")).to_have_text("本场会议的安全检查：主会场、大堂")
    phone.locator('[data-checklist="electrical"]').click()
    areas = phone.locator("[data-areas] [data-area]")
    assert areas.evaluate_all("els => els.map(e => e.dataset.area)")[:2] == ["main_hall", "lobby"]
    expect(phone.locator('[data-area="power_room"]')).to_have_attribute("data-scope", "outside")
    expect(phone.locator('[data-area="power_room"] small')).to_have_text("本场会议不需要")
    expect(phone.locator('[data-area="main_hall"] small')).to_have_text("未检查")
    shot(phone, "guard-inspection-meeting-zh-CN")
