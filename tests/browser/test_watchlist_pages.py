"""The watchlist on /admin (a commander adds with inline checks and removes with a confirmation)
and its alerts on /control (an operator confirms or dismisses a possible match; a display sees
no buttons and no names beyond 张*)."""
import os
import pathlib

from playwright.sync_api import expect

from unit_ids import ID, ID2

from .pw_helpers import PASSWORD, sign_in_api

SHOTS = pathlib.Path(os.environ.get("GATEWATCH_SHOTS", "/tmp/gatewatch-shots"))


def shoot(page, name):
    """Save a screenshot to look at (not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_commander_adds_and_removes_watchlist_entries(make_context, live_server):
    live_server.add_user("wl_cmd", "commander", PASSWORD)
    context = make_context(lang="en")
    sign_in_api(context, "wl_cmd")
    page = context.new_page()
    page.goto("/admin?lang=en")
    expect(page.locator("h1")).to_contain_text("Watchlist")
    expect(page.locator("[data-users]")).to_have_count(0)  # users are the admin's alone
    form = page.locator("[data-watch-form]")
    form.locator('[name="id_type"]').select_option("resident_id")
    form.locator('[name="id_number"]').fill(ID[:-1] + ("1" if ID[-1] != "1" else "2"))
    expect(form.locator('[data-error-for="id_number"]')).to_contain_text("check character")
    form.locator('[name="id_number"]').fill(ID.lower())
    expect(form.locator('[data-error-for="id_number"]')).to_be_hidden()
    form.locator('[name="name"]').fill("张伟")
    form.locator('[name="aliases"]').fill("張偉, Zhang Wei")
    form.locator('[name="plate"]').fill("京A·12345")
    form.get_by_role("button", name="Add").click()
    expect(form.locator('[data-error-for="reason"]')).to_have_text("Required")
    form.locator('[name="reason"]').fill("Threatened staff at the 2025 session")
    form.locator('[value="deny"]').check()
    form.get_by_role("button", name="Add").click()
    row = page.locator("[data-watch-entries] tr").first
    expect(row).to_contain_text(ID[:6] + "********" + ID[-4:])
    expect(row).to_contain_text("京A12345")
    expect(row).to_contain_text("Deny entry")
    assert ID[6:14] not in page.content()
    form.locator('[name="name"]').fill("李四")
    form.locator('[name="reason"]').fill("Press without accreditation")
    form.get_by_role("button", name="Add").click()
    expect(page.locator("[data-watch-entries] tr")).to_have_count(2)
    page.set_viewport_size({"width": 1920, "height": 1080})
    shoot(page, "admin-watchlist-en")
    page.goto("/admin?lang=zh-CN")
    expect(page.locator("h1")).to_contain_text("监控名单")
    shoot(page, "admin-watchlist-zh")

    row = page.locator("[data-watch-entries] tr", has_text="李四")
    row.get_by_role("button", name="移除").click()
    expect(row).to_contain_text("确定移除此条目？")
    row.get_by_role("button", name="取消").click()
    expect(page.locator("[data-watch-entries] tr")).to_have_count(2)
    row.get_by_role("button", name="移除").click()
    row.get_by_role("button", name="确定移除").click()
    expect(page.locator("[data-watch-entries] tr")).to_have_count(1)
    expect(page.locator("[data-watch-flash]")).to_have_text("已从监控名单移除")


def test_watchlist_alerts_on_the_wall_with_decisions_for_operators(make_context, live_server):
    for user, role in (("wl_boss", "commander"), ("wl_op", "operator"), ("wl_wall", "display"), ("wl_gate", "guard")):
        live_server.add_user(user, role, PASSWORD)
    boss, gate = live_server.token("wl_boss"), live_server.token("wl_gate")
    for entry in ({"name": "张伟", "action": "deny", "reason": "Threatened staff"},
                  {"id_type": "resident_id", "id_number": ID2, "action": "alert", "reason": "Known protester"}):
        assert live_server.post("/api/v1/watchlist", boss, entry).status_code == 201
    pages = {}
    for who, lang in (("wl_op", "zh-CN"), ("wl_wall", "en")):
        context = make_context(lang=lang)
        sign_in_api(context, who)
        pages[who] = context.new_page()
        pages[who].goto(f"/control?lang={lang}")
        expect(pages[who].locator("[data-conn]")).to_have_attribute("data-state", "live")
    visitor = {"purpose": "会议", "entrance_id": "E1"}
    fuzzy = live_server.post("/api/v1/visitors", gate, {**visitor, "name": "WEI ZHANG", "id_type": "passport",
                                                        "id_number": "E12345678"})
    exact = live_server.post("/api/v1/visitors", gate, {**visitor, "name": "王五", "id_type": "resident_id",
                                                        "id_number": ID2})
    assert fuzzy.status_code == 201 and exact.status_code == 201, (fuzzy.text, exact.text)
    op = pages["wl_op"]
    alerts = op.locator('[data-alerts] li[data-kind="watchlist_hit"]')
    expect(alerts).to_have_count(2)
    possible = op.locator('[data-alerts] li[data-match="possible"]')
    expect(possible).to_contain_text("疑似匹配")
    expect(possible).to_contain_text("WEI ZHANG ↔ 张伟")
    expect(possible.locator("[data-watch-decide]")).to_have_count(2)
    expect(possible.locator("[data-ack]")).to_have_count(0)
    exact_li = op.locator('[data-alerts] li[data-match="exact"]')
    expect(exact_li).to_contain_text("精确比中")
    expect(exact_li.locator("[data-watch-decide]")).to_have_count(0)
    expect(exact_li.locator("[data-ack]")).to_have_count(1)
    wall = pages["wl_wall"]
    expect(wall.locator('[data-alerts] li[data-kind="watchlist_hit"]')).to_have_count(2)
    expect(wall.locator('[data-alerts] li[data-match="possible"]')).to_contain_text("Possible match")
    expect(wall.locator("[data-watch-decide], [data-ack]")).to_have_count(0)
    assert "张伟" not in wall.locator("[data-alerts]").inner_text()
    assert "王五" not in wall.locator("[data-alerts]").inner_text()
    shoot(op, "control-watchlist-zh")
    shoot(wall, "control-watchlist-display-en")

    # Most severe first: the exact match fills the panel's budget and the possible one is counted
    # below it ("+1 more"); the operator takes the exact one, then the possible one is in view.
    exact_li.locator("[data-ack]").click()
    expect(exact_li).to_have_count(0)
    possible.get_by_role("button", name="排除").click()
    expect(possible).to_have_count(0)
    expect(alerts).to_have_count(0)
    expect(wall.locator('[data-alerts] li[data-kind="watchlist_hit"]')).to_have_count(0)
    events = live_server.ctx.store.scan_events()
    assert [e["type"] for e in events if e["type"].startswith("visitor.watchlist_")] == [
        "visitor.watchlist_hit", "visitor.watchlist_hit", "visitor.watchlist_dismissed"]


def test_admin_sees_users_and_the_watchlist(make_context, live_server):
    live_server.add_user("wl_admin", "admin", PASSWORD)
    context = make_context(lang="zh-CN")
    sign_in_api(context, "wl_admin")
    page = context.new_page()
    page.goto("/admin")
    expect(page.locator('[data-users] tr[data-user="wl_admin"]')).to_be_visible()
    expect(page.locator("h2#watchlist-title")).to_contain_text("监控名单")
    expect(page.locator(".desk-nav a[aria-current=page]")).to_have_text("系统管理")
    shoot(page, "admin-admin-zh")
