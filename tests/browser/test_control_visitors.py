"""The wall's visitors counter is live, and a display's feed shows visitors masked."""
from playwright.sync_api import expect

from unit_ids import ID

from .pw_helpers import PASSWORD, sign_in_api

BODY = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
        "purpose": "会议", "entrance_id": "E1", "organization": "市政府"}


def test_visitors_on_site_count_live_and_a_display_sees_them_masked(make_context, live_server):
    live_server.add_user("gate_wu", "guard", PASSWORD)
    live_server.add_user("wall_1", "display", PASSWORD)
    token = live_server.token("gate_wu")
    context = make_context()
    sign_in_api(context, "wall_1")
    page = context.new_page()
    page.goto("/control")
    expect(page.locator("[data-conn]")).to_have_attribute("data-state", "live")
    counter = page.locator('[data-counter="visitors"]')
    expect(counter).to_have_text("0")

    first = live_server.post("/api/v1/visitors", token, BODY)
    assert first.status_code == 201, first.text
    second = live_server.post("/api/v1/visitors", token, {**BODY, "name": "Jane Doe"})
    assert second.status_code == 201, second.text
    expect(counter).to_have_text("2")
    feed = page.locator("[data-feed]")
    expect(feed.locator("li").first).to_contain_text("访客登记")
    expect(feed).to_contain_text("张*")
    expect(feed).to_contain_text("J*")

    vid = first.json()["visitor"]["visitor_id"]
    out = live_server.post(f"/api/v1/visitors/{vid}/checkout", token, {"entrance_id": "E2"})
    assert out.status_code == 200, out.text
    expect(counter).to_have_text("1")
    expect(feed.locator("li").first).to_contain_text("访客离场")
    page.reload()  # the snapshot gives the same count
    expect(counter).to_have_text("1")
    content = page.content()
    assert "三丰" not in content and "Jane" not in content and ID not in content
