"""Issue 13 items 4 and 7 as a commander and an operator would meet them: the phase changed from
/command (with readiness complete, and over an incomplete one with a reason), the wall keeping what
was overridden, and the clearance board resolved visitor by visitor."""
import os
import pathlib

import requests
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, sign_in_api

DESK = {"width": 1440, "height": 900}
REASON = "部长提前到场，临时开会"
SHOTS = os.environ.get("GW_SHOTS")  # a directory: the pages are also saved as screenshots there


def shot(page, name):
    """Save a screenshot when GW_SHOTS names a directory (to look at; nothing is compared)."""
    if SHOTS:
        pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png")


def users(server):
    """Create the test's people once; return a commander's and a guard's tokens."""
    server.add_user("pc_chief", "commander", PASSWORD)
    server.add_user("pc_guard", "guard", PASSWORD)
    server.add_user("pc_op", "operator", PASSWORD)
    return server.token("pc_chief"), server.token("pc_guard")


def phase_now(server, token):
    """Return the phase in force, read through the API."""
    state = requests.get(server.url + "/api/v1/state", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    return state["sections"]["phase"]["venue"]["phase"]


def to_phase(server, chief, phase, reason=None):
    """Move the venue to a phase through the API (arranging, not the thing tested)."""
    body = {"phase": phase, **({"override_reason": reason} if reason else {})}
    answer = server.post("/api/v1/phase", chief, body)
    assert answer.status_code in (200, 201), answer.text


def inspect(server, guard, checklist, area, failed=()):
    """Record an inspection of one checklist in one area; `failed` item ids fail."""
    items = server.ctx.venue.find("checklists", checklist).items
    results = [{"item_id": i.id, "ok": i.id not in failed, **({"note": "坏了"} if i.id in failed else {})} for i in items]
    answer = server.post("/api/v1/inspections", guard, {"checklist_id": checklist, "area_id": area, "results": results})
    assert answer.status_code == 201, answer.text
    return answer.json()


def make_ready(server, chief, guard):
    """Rectify every open hazard and pass every checklist in every area."""
    hazards = requests.get(server.url + "/api/v1/hazards", headers={"Authorization": f"Bearer {chief}"}, timeout=10)
    for hz in hazards.json()["hazards"]:
        if hz["status"] == "open":
            assert server.post(f"/api/v1/hazards/{hz['hazard_id']}/rectify", chief, {"note": "修好"}).status_code == 200
    for checklist in server.ctx.venue.checklists:
        for area in checklist.areas:
            inspect(server, guard, checklist.id, area)


def command_page(make_context, lang="zh-CN"):
    """Open /command as the commander at 1440×900; return the phase control."""
    context = make_context(viewport=DESK, lang=lang)
    sign_in_api(context, "pc_chief")
    page = context.new_page()
    page.goto("/command" + ("?lang=en" if lang == "en" else ""))
    control = page.locator("[data-phase-control]")
    expect(control).to_have_attribute("data-loaded", "true")
    return page, control


def test_with_readiness_complete_the_phase_changes_after_one_confirmation(make_context, live_server):
    chief, guard = users(live_server)
    to_phase(live_server, chief, "pre_event")
    make_ready(live_server, chief, guard)
    page, control = command_page(make_context)
    expect(control.locator("[data-phase-now]")).to_have_text("会前准备")
    expect(control.locator("[data-phase-verdict]")).to_have_text("可进入“会议进行中”：会前准备已完成")
    control.locator("[data-phase-target]").select_option("in_session")
    control.locator("[data-phase-change]").click()
    confirm = control.locator("[data-phase-confirm]")
    expect(confirm).to_be_visible()
    expect(confirm.locator("[data-phase-question]")).to_have_text("确认将阶段由“会前准备”改为“会议进行中”？")
    expect(confirm.locator("[data-phase-override]")).to_be_hidden()  # ready: no override asked
    assert phase_now(live_server, chief) == "pre_event"  # nothing sent before the confirmation
    confirm.locator("[data-phase-confirm-btn]").click()
    expect(control.locator("[data-phase-done]")).to_contain_text("进入“会议进行中”")
    expect(control.locator("[data-phase-now]")).to_have_text("会议进行中")
    assert phase_now(live_server, chief) == "in_session"
    shot(page, "command-ready-zh")


def test_over_incomplete_readiness_the_override_needs_a_reason_and_the_wall_keeps_what_is_missing(
        make_context, live_server):
    chief, guard = users(live_server)
    to_phase(live_server, chief, "pre_event")
    # a critical hazard (the lift's intercom) keeps the venue from ready
    inspect(live_server, guard, "elevators", "lobby", failed=("alarm_intercom",))
    wall_context = make_context()
    sign_in_api(wall_context, "pc_op")
    wall = wall_context.new_page()
    wall.goto("/control")
    expect(wall.locator("[data-conn]")).to_have_attribute("data-state", "live")

    page, control = command_page(make_context)
    expect(control.locator("[data-phase-verdict]")).to_contain_text("尚不能进入“会议进行中”")
    expect(control.locator('[data-phase-missing] [data-code="critical_hazard"]')).to_contain_text("重大隐患未整改")
    control.locator("[data-phase-target]").select_option("in_session")
    control.locator("[data-phase-change]").click()
    confirm = control.locator("[data-phase-confirm]")
    expect(confirm.locator("[data-phase-override]")).to_be_visible()
    expect(confirm.locator("[data-phase-confirm-btn]")).to_have_text("强制进入")
    confirm.locator("[data-phase-confirm-btn]").click()  # no reason: refused on the page
    expect(confirm.locator("[data-phase-reason-error]")).to_have_text("请填写强制理由")
    assert phase_now(live_server, chief) == "pre_event"
    shot(page, "command-override-zh")
    confirm.get_by_label("强制理由（必填）").fill(REASON)
    confirm.locator("[data-phase-confirm-btn]").click()
    expect(control.locator("[data-phase-done]")).to_contain_text("强制进入“会议进行中”")
    assert phase_now(live_server, chief) == "in_session"

    # The wall, in session, still shows the board with what is missing, each marked overridden.
    board = wall.locator("[data-readiness-board]")
    expect(board).to_be_visible()
    expect(board.locator("[data-override]")).to_contain_text(REASON)
    hazard = board.locator('[data-missing-list] li[data-code="critical_hazard"]')
    expect(hazard).to_have_attribute("data-overridden", "true")
    expect(hazard).to_contain_text("重大隐患未整改")
    expect(hazard).to_contain_text("已强制跳过")
    wall.reload()  # the snapshot tells the same
    expect(wall.locator('[data-missing-list] li[data-code="critical_hazard"]')).to_contain_text("已强制跳过")
    shot(wall, "control-override-zh")
    english = make_context(lang="en")
    sign_in_api(english, "pc_op")
    wall_en = english.new_page()
    wall_en.goto("/control?lang=en")
    expect(wall_en.locator('[data-missing-list] li[data-code="critical_hazard"]')).to_contain_text("overridden")
    shot(wall_en, "control-override-en")
    page_en, _ = command_page(make_context, "en")
    shot(page_en, "command-en")


def register(server, guard, name, entrance):
    """Register a visitor at a gate as a guard; return the visitor."""
    answer = server.post("/api/v1/visitors", guard, {"name": name, "id_type": "passport", "id_number": f"E{abs(hash(name)) % 10**8:08d}",
                                                     "purpose": "会谈", "entrance_id": entrance})
    assert answer.status_code == 201, answer.text
    return answer.json()["visitor"]


def test_zones_clear_with_visitors_on_the_roll_is_not_green_until_each_is_resolved(make_context, live_server):
    chief, guard = users(live_server)
    to_phase(live_server, chief, "pre_event", reason="arranging")
    to_phase(live_server, chief, "in_session", reason="arranging")
    reader = requests.get(live_server.url + "/api/v1/visitors?on_site=true",
                          headers={"Authorization": f"Bearer {chief}"}, timeout=10).json()["visitors"]
    for v in reader:  # earlier tests' visitors: off the roll first
        live_server.post(f"/api/v1/visitors/{v['visitor_id']}/left-unrecorded", chief, {})
    late = register(live_server, guard, "林晚", "E1")
    gone = register(live_server, guard, "周远", "E2")
    to_phase(live_server, chief, "post_event")
    for zone in live_server.ctx.venue.zones:
        assert live_server.post(f"/api/v1/clearance/{zone.id}", guard, {"people_found": 0}).status_code == 201

    context = make_context()
    sign_in_api(context, "pc_op")
    wall = context.new_page()
    wall.goto("/control")
    panel = wall.locator("[data-clearance-panel]")
    expect(panel).to_have_attribute("data-verdict", "zones_clear_visitors_left")
    expect(panel.locator("[data-clr-progress]")).to_have_text("各区域已清空 — 仍有 2 名访客未签出")
    expect(panel).not_to_contain_text("场馆已清场")
    expect(panel.locator("[data-clr-done]")).not_to_contain_text("场馆已于")  # the words of "cleared"
    green = panel.locator("[data-clr-done]").evaluate("el => getComputedStyle(el).backgroundColor")
    assert green != "rgb(15, 59, 36)", "zones clear with visitors left must not be the green 'cleared'"
    roll = panel.locator("[data-clr-roll]")
    expect(roll.locator("li[data-visitor]")).to_have_count(2)
    expect(roll.locator(f'[data-visitor="{late["visitor_id"]}"]')).to_contain_text("林晚")
    expect(roll.locator(f'[data-visitor="{late["visitor_id"]}"]')).to_contain_text("E1")
    expect(roll.locator(f'[data-visitor="{gone["visitor_id"]}"]')).to_contain_text("E2")
    shot(wall, "control-clearance-left-zh")
    english = make_context(lang="en")
    sign_in_api(english, "pc_op")
    wall_en = english.new_page()
    wall_en.goto("/control?lang=en")
    expect(wall_en.locator("[data-clr-progress]")).to_have_text("Zones clear — 2 visitors not checked out")
    expect(wall_en.locator("[data-clr-roll]")).to_contain_text("registered at E1")
    shot(wall_en, "control-clearance-left-en")
    live_server.add_user("pc_screen", "display", PASSWORD)
    screen_context = make_context()
    sign_in_api(screen_context, "pc_screen")
    screen = screen_context.new_page()
    screen.goto("/control")
    screen_roll = screen.locator("[data-clr-roll]")
    expect(screen_roll.locator(f'[data-visitor="{late["visitor_id"]}"]')).to_contain_text("林*")
    expect(screen_roll).not_to_contain_text("林晚")  # a display reads names masked
    expect(screen_roll.locator("[data-resolve]")).to_have_count(0)  # and resolves nothing

    row = roll.locator(f'[data-visitor="{late["visitor_id"]}"]')
    row.get_by_role("button", name="补记签出").click()
    row.get_by_label("离场出口").select_option("E1")
    row.get_by_role("button", name="确认").click()
    expect(roll.locator(f'[data-visitor="{late["visitor_id"]}"]')).to_have_count(0)
    expect(panel.locator("[data-clr-progress]")).to_have_text("各区域已清空 — 仍有 1 名访客未签出")

    row = roll.locator(f'[data-visitor="{gone["visitor_id"]}"]')
    row.get_by_role("button", name="记为未登记离场").click()
    row.get_by_label("如何确认（可选）").fill("接待方确认已离开")
    row.get_by_role("button", name="确认").click()
    expect(panel).to_have_attribute("data-verdict", "cleared")
    expect(panel.locator("[data-clr-progress]")).to_have_text("场馆已清场")
    expect(panel.locator("[data-clr-done]")).to_contain_text("清场完毕")
    expect(roll).to_be_hidden()
    shot(wall, "control-clearance-cleared-zh")

    visitor = requests.get(live_server.url + f"/api/v1/visitors/{late['visitor_id']}",
                           headers={"Authorization": f"Bearer {chief}"}, timeout=10).json()
    assert visitor["visitor"]["checked_out_late"] and not visitor["visitor"]["on_site"]
    page, _ = command_page(make_context)
    expect(page.locator("[data-rows]")).to_contain_text("访客未登记离场")
    expect(page.locator("[data-rows]")).to_contain_text("接待方确认已离开")
