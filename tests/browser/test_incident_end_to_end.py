"""Issue 7 end to end: a guard reports a severity-1 incident with a photo on the phone, the wall
shows the banner, an operator acknowledges and assigns it there, and the guard's phone shows the
assignment live and accepts it."""
import io

import requests
from PIL import Image
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, sign_in_api

GUARD, OPERATOR = "e2e_guard", "e2e_operator"


def _jpeg():
    """Return a camera-sized JPEG as Playwright's file payload."""
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), (160, 60, 30)).save(out, "JPEG", quality=90)
    return {"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _incident(live_server, description):
    """Return the incident the server holds with this description (as the operator)."""
    rows = requests.get(f"{live_server.url}/api/v1/incidents", timeout=10,
                        headers={"Authorization": f"Bearer {live_server.token(OPERATOR)}"}).json()["incidents"]
    [row] = [r for r in rows if r["description"] == description]
    return row


def test_phone_report_to_wall_banner_to_assignment_back_on_the_phone(make_context, live_server):
    live_server.add_user(GUARD, "guard", PASSWORD, display_name="孙岗")
    live_server.add_user(OPERATOR, "operator", PASSWORD, display_name="值班员乙")
    wall_context = make_context()
    sign_in_api(wall_context, OPERATOR)
    wall = wall_context.new_page()
    wall.goto("/control")
    expect(wall.locator("[data-conn]")).to_have_attribute("data-state", "live")

    phone_context = make_context(viewport=PHONE, mobile=True)
    sign_in_api(phone_context, GUARD)
    phone = phone_context.new_page()
    phone.goto("/guard")
    expect(phone.locator("body")).to_have_attribute("data-ready", "true")
    phone.locator('a[data-go="incident"]').click()
    phone.locator('[data-category="fire_smoke"]').click()
    phone.locator('[data-level="1"]').click()
    phone.locator("[data-locations]").select_option("E2")
    phone.locator('textarea[name="description"]').fill("东门配电箱冒烟")
    phone.locator("[data-photo-input]").set_input_files([_jpeg()])
    expect(phone.locator("[data-thumbs] img")).to_have_count(1)
    phone.locator("[data-incident] [data-submit]").click()
    expect(phone.locator("[data-toast]")).to_have_attribute("data-kind", "ok")

    incident = _incident(live_server, "东门配电箱冒烟")
    assert incident["severity"] == 1 and len(incident["photos"]) == 1
    banner = wall.locator("[data-incident-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("一级事件")
    row = wall.locator(f'[data-incidents] li[data-incident="{incident["incident_id"]}"]')
    expect(row).to_contain_text("东门配电箱冒烟")

    banner.locator("[data-incident-ack]").click()
    expect(banner).to_be_hidden()
    expect(row).to_have_attribute("data-status", "acknowledged")
    row.locator("[data-incident-assign]").click()
    wall.locator(f'[data-assign-picker] [data-assignee="{GUARD}"]').click()
    expect(row).to_contain_text("孙岗")

    # The phone hears of it live: a banner on whatever screen is open, and the task to accept.
    expect(phone.locator("[data-tasks-banner]")).to_be_visible()
    phone.locator("[data-tasks-banner-open]").click()
    card = phone.locator(f'[data-tasks-assignments] [data-incident="{incident["incident_id"]}"]')
    expect(card).to_contain_text("火情")
    card.locator('[data-ack="assignment"]').click()
    expect(card).to_contain_text("接受")
    expect(card).to_have_attribute("data-done", "")
    assert _incident(live_server, "东门配电箱冒烟")["assignment_accepted_at"]
