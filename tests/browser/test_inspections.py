"""A whole readiness round on a real server and Chromium: an inspection with a failed item on
/guard → a hazard on /control → rectified → ready → in session → post event → every zone cleared
on /guard → /control shows every zone green and the venue cleared."""
import os
import pathlib

from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, sign_in_api

GUARD, OPERATOR, COMMANDER = "guard_zhou", "operator_wu", "chief_zheng"
SHOTS = os.environ.get("GATEWATCH_SHOTS")  # a directory: save screenshots there to look at


def shot(page, name):
    """Save a screenshot when asked to (GATEWATCH_SHOTS)."""
    if SHOTS:
        page.screenshot(path=str(pathlib.Path(SHOTS) / f"{name}.png"))


def _arrange(live_server):
    """Create the people and pass every required inspection but the lobby's elevators."""
    live_server.add_user(GUARD, "guard", PASSWORD, display_name="周五")
    live_server.add_user(OPERATOR, "operator", PASSWORD)
    live_server.add_user(COMMANDER, "commander", PASSWORD)
    token = live_server.token(GUARD)
    for checklist in live_server.ctx.venue.checklists:
        for area in checklist.areas:
            if (checklist.id, area) == ("elevators", "lobby") or not checklist.required:
                continue
            body = {"checklist_id": checklist.id, "area_id": area,
                    "results": [{"item_id": i.id, "ok": True} for i in checklist.items]}
            assert live_server.post("/api/v1/inspections", token, body).status_code == 201


def _walk_elevators_on_the_phone(phone):
    """Inspect the lobby's elevators: the doors fail, everything else passes."""
    phone.locator('a[data-go="inspection"]').click()
    phone.locator('[data-checklist="elevators"]').click()
    phone.locator('[data-area="lobby"]').click()
    progress = phone.locator("[data-progress]")
    for i, item in enumerate(("certificate", "alarm_intercom", "doors", "ride"), start=1):
        expect(progress).to_contain_text(f"{i} / 4")
        if item == "doors":
            phone.locator('[data-answer="fail"]').click()
            phone.locator("#ins-note").fill("左侧电梯门防夹失灵")
            shot(phone, "guard-fail-zh")
            phone.locator('[data-view="inspection"] [data-next]').click()
        else:
            phone.locator('[data-answer="pass"]').click()
    expect(phone.locator("[data-summary]")).to_contain_text("不合格 1 项")
    phone.locator("[data-done] [data-submit]").click()
    expect(phone.locator("[data-toast]")).to_have_attribute("data-kind", "ok")


def test_the_inspection_screen_and_the_board_speak_english(make_context, live_server):
    live_server.add_user("guard_en", "guard", PASSWORD)
    live_server.add_user("operator_en", "operator", PASSWORD)
    wall_ctx = make_context(lang="en")
    sign_in_api(wall_ctx, "operator_en")
    wall = wall_ctx.new_page()
    wall.goto("/control?lang=en")
    expect(wall.locator("[data-ready-state]")).to_contain_text("Not ready")
    expect(wall.locator("[data-readiness-board] [data-checklist=fire_equipment] th")).to_have_text("Fire equipment")
    shot(wall, "control-en")
    phone_ctx = make_context(viewport=PHONE, mobile=True, lang="en")
    sign_in_api(phone_ctx, "guard_en")
    phone = phone_ctx.new_page()
    phone.goto("/guard?lang=en")
    expect(phone.locator("body")).to_have_attribute("data-ready", "true")
    phone.locator('a[data-go="inspection"]').click()
    phone.locator('[data-checklist="fire_equipment"]').click()
    expect(phone.locator('[data-area="lobby"]')).to_contain_text("Not inspected")
    shot(phone, "guard-pick-en")
    phone.locator('[data-area="lobby"]').click()
    expect(phone.locator("[data-progress]")).to_have_text("1 / 6")
    expect(phone.locator("[data-critical]")).to_have_text("Critical item")
    phone.locator('[data-answer="fail"]').click()
    phone.locator('[data-view="inspection"] [data-next]').click()  # a failure without a note stays on the item
    expect(phone.locator("#ins-note-error")).to_have_text("Say what is wrong")
    shot(phone, "guard-item-en")


def test_inspection_hazard_rectified_ready_in_session(make_context, live_server):
    _arrange(live_server)
    wall_ctx = make_context()
    sign_in_api(wall_ctx, OPERATOR)
    wall = wall_ctx.new_page()
    wall.goto("/control")
    expect(wall.locator("[data-conn]")).to_have_attribute("data-state", "live")
    board = wall.locator("[data-readiness-board]")
    expect(board).to_be_visible()
    state = wall.locator("[data-ready-state]")
    expect(state).to_have_attribute("data-ready", "false")
    expect(wall.locator('[data-cell="elevators@lobby"]')).to_have_attribute("data-state", "not_inspected")

    phone_ctx = make_context(viewport=PHONE, mobile=True)
    sign_in_api(phone_ctx, GUARD)
    phone = phone_ctx.new_page()
    phone.goto("/guard")
    expect(phone.locator("body")).to_have_attribute("data-ready", "true")
    _walk_elevators_on_the_phone(phone)

    cell = wall.locator('[data-cell="elevators@lobby"]')
    expect(cell).to_have_attribute("data-state", "open_hazards")
    expect(wall.locator('[data-zone="lobby"]')).to_have_attribute("data-readiness", "hazard")
    expect(wall.locator("[data-feed] li").first).to_contain_text("门机及防夹保护正常")
    shot(wall, "control-hazard-zh")

    hazard_id = next(h["hazard_id"] for h in live_server.ctx.store.projection("hazards").values()
                     if h["item_id"] == "doors")
    assigned = live_server.post(f"/api/v1/hazards/{hazard_id}/assign", live_server.token(OPERATOR), {"assignee": GUARD})
    assert assigned.status_code == 200, assigned.text
    mine = phone.locator(f'[data-my-hazards] [data-hazard="{hazard_id}"]')
    expect(mine).to_contain_text("门机及防夹保护正常")  # live: the assignment reaches the guard's phone
    shot(phone, "guard-home-zh")
    chief = live_server.token(COMMANDER)
    blocked = live_server.post("/api/v1/phase", chief, {"phase": "in_session"})
    assert blocked.status_code == 409 and "elevators@lobby" in [m["key"] for m in blocked.json()["missing"]]
    desk = wall_ctx.new_page()  # the operator's desk: rectify from /command
    desk.set_viewport_size({"width": 1600, "height": 1000})
    desk.goto("/command")
    row = desk.locator(f'[data-ins-hazards] [data-hazard="{hazard_id}"]')
    expect(row).to_contain_text("左侧电梯门防夹失灵")
    expect(desk.locator('[data-ins-missing] [data-missing="elevators@lobby"]')).to_be_visible()
    shot(desk, "command-zh")
    desk.once("dialog", lambda dialog: dialog.accept("更换了防夹光幕"))
    row.locator("[data-rectify]").click()
    expect(row).to_have_attribute("data-status", "rectified")
    expect(row).to_contain_text("立行立改")
    expect(mine).to_be_hidden()  # the rectification reaches the assignee's phone too
    expect(cell).to_have_attribute("data-state", "passed")
    expect(state).to_have_attribute("data-ready", "true")
    expect(wall.locator('[data-zone="lobby"]')).to_have_attribute("data-readiness", "passed")

    moved = live_server.post("/api/v1/phase", chief, {"phase": "in_session"})
    assert moved.status_code == 201, moved.text
    expect(board).to_be_hidden()
    expect(wall.locator('[data-zone="lobby"]')).not_to_have_attribute("data-readiness", "passed")

    # After the meeting: post event → every zone swept on the phone → the wall shows the venue cleared.
    assert live_server.post("/api/v1/phase", chief, {"phase": "post_event"}).status_code == 201
    clearance = wall.locator("[data-clearance-panel]")
    expect(clearance).to_be_visible()
    phone.goto("/guard#clearance")
    zones = [z.id for z in live_server.ctx.venue.zones]
    todo = phone.locator("[data-clr-todo]")
    expect(todo.locator("[data-zone]")).to_have_count(len(zones))
    for zone in zones:
        todo.locator(f'[data-zone="{zone}"] [data-clear]').click()
        expect(phone.locator(f'[data-clr-done] [data-zone="{zone}"]')).to_be_visible()
    for zone in zones:
        expect(clearance.locator(f'[data-zone="{zone}"]')).to_have_attribute("data-state", "cleared")
        expect(wall.locator(f'polygon[data-zone="{zone}"]')).to_have_attribute("data-clearance", "cleared")
    expect(clearance.locator("[data-clr-done]")).to_contain_text("场馆已于")
    shot(wall, "control-cleared-zh")
