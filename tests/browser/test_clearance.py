"""Clearance after the meeting: guards sweep every zone on their phones, the wall shows the venue cleared."""
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, sign_in_api


def test_a_round_swept_on_the_phone_turns_every_zone_green_and_the_venue_cleared(make_context, live_server):
    live_server.add_user("clr_chief", "commander", PASSWORD)
    live_server.add_user("clr_guard", "guard", PASSWORD)
    live_server.add_user("clr_wall", "operator", PASSWORD)
    zones = [z.id for z in live_server.ctx.venue.zones]
    wall = make_context()
    sign_in_api(wall, "clr_wall")
    control = wall.new_page()
    control.goto("/control")
    expect(control.locator("[data-conn]")).to_have_attribute("data-state", "live")
    panel = control.locator("[data-clearance-panel]")
    expect(panel).to_be_hidden()  # no round before the meeting ends

    moved = live_server.post("/api/v1/phase", live_server.token("clr_chief"), {"phase": "post_event"})
    assert moved.status_code in (200, 201), moved.text
    expect(panel).to_be_visible()
    expect(panel.locator("[data-clr-progress]")).to_contain_text(f"已清空 0 / {len(zones)} 个区域")

    phone_context = make_context(viewport=PHONE, mobile=True)
    sign_in_api(phone_context, "clr_guard")
    phone = phone_context.new_page()
    phone.goto("/guard")
    expect(phone.locator("body")).to_have_attribute("data-ready", "true")
    phone.locator('[data-go="clearance"]').click()  # at once: the live connection's refresh keeps open forms
    todo = phone.locator("[data-clr-todo]")
    expect(todo.locator("[data-zone]")).to_have_count(len(zones))

    # People in the kitchen: reported with a count, the zone stays open (red) on the wall.
    kitchen = todo.locator('[data-zone="canteen_kitchen"]')
    kitchen.locator("[data-found]").click()
    kitchen.locator('[name="people_found"]').fill("2")
    kitchen.locator('button[type="submit"]').click()
    expect(todo.locator('[data-zone="canteen_kitchen"]')).to_have_attribute("data-state", "people_found")
    expect(panel.locator('[data-zone="canteen_kitchen"]')).to_have_attribute("data-state", "people_found")
    expect(control.locator('polygon[data-zone="canteen_kitchen"]')).to_have_attribute("data-clearance", "people_found")

    for zone in zones:  # every zone swept and clear, the kitchen a second time
        todo.locator(f'[data-zone="{zone}"] [data-clear]').click()
        expect(phone.locator(f'[data-clr-done] [data-zone="{zone}"]')).to_be_visible()
    expect(phone.locator("[data-clr-cleared]")).to_contain_text("场馆已于")

    for zone in zones:
        expect(panel.locator(f'[data-zone="{zone}"]')).to_have_attribute("data-state", "cleared")
        expect(control.locator(f'polygon[data-zone="{zone}"]')).to_have_attribute("data-clearance", "cleared")
    expect(panel.locator("[data-clr-done]")).to_contain_text("清场完毕")
    expect(control.locator("[data-feed]")).to_contain_text("全部区域清场完毕")
    control.reload()  # the snapshot tells the same
    expect(control.locator("[data-clr-done]")).to_contain_text("清场完毕")


def test_a_form_being_filled_in_survives_the_boards_redraw(make_context, live_server):
    """Another guard's confirmation redraws the list: the count and note typed here stay, focused."""
    live_server.add_user("clr_chief2", "commander", PASSWORD)
    live_server.add_user("clr_g1", "guard", PASSWORD)
    live_server.add_user("clr_g2", "guard", PASSWORD)
    moved = live_server.post("/api/v1/phase", live_server.token("clr_chief2"), {"phase": "post_event"})
    assert moved.status_code in (200, 201), moved.text
    context = make_context(viewport=PHONE, mobile=True)
    sign_in_api(context, "clr_g1")
    phone = context.new_page()
    phone.goto("/guard#clearance")
    kitchen = phone.locator('[data-clr-todo] [data-zone="canteen_kitchen"]')
    kitchen.locator("[data-found]").click()
    kitchen.locator('[name="note"]').fill("两名厨师仍在清洗")
    kitchen.locator('[name="people_found"]').fill("2")
    other = live_server.post("/api/v1/clearance/parking", live_server.token("clr_g2"), {"people_found": 0})
    assert other.status_code == 201, other.text
    expect(phone.locator('[data-clr-done] [data-zone="parking"]')).to_be_visible()  # redrawn, live
    expect(kitchen.locator("[data-found-form]")).to_be_visible()
    expect(kitchen.locator('[name="people_found"]')).to_have_value("2")
    expect(kitchen.locator('[name="note"]')).to_have_value("两名厨师仍在清洗")
    expect(kitchen.locator('[name="people_found"]')).to_be_focused()
    kitchen.locator('button[type="submit"]').click()
    expect(kitchen).to_have_attribute("data-state", "people_found")
