"""The desk as its readers use it: the import report in the file's language and column names, the
timeline's filters laid out without overlap, every event type named, display names not usernames."""
import datetime as dt
import os
import pathlib
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from unit_ids import ID

from .pw_helpers import PASSWORD, PHONE, sign_in_api

DESK = {"width": 1440, "height": 900}
SHOTS = pathlib.Path(os.environ.get("GATEWATCH_SHOTS", "/tmp/gate-shots"))
FILTERS = ["select[name=type]", "select[name=location]", "input[name=actor]", "input[name=from]",
           "input[name=to]", "button[type=submit]", "button[type=reset]"]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _desk(make_context, username, lang, path, viewport=DESK):
    context = make_context(lang=lang, viewport=viewport)
    sign_in_api(context, username)
    page = context.new_page()
    page.goto(f"{path}?lang={lang}")
    return page


def _overlap(a, b):
    """Tell whether two bounding boxes share any area."""
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_a_chinese_import_is_reported_in_chinese_with_the_files_column_names(make_context, live_server):
    live_server.add_user("desk_imp", "operator", PASSWORD)
    day = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    page = _desk(make_context, "desk_imp", "zh-CN", "/command/visitors")
    bad = (f"姓名,证件类型,证件号码,单位,接待人,日期,车牌\n王五,身份证,{ID[:-1]}1,,,{day},\n"
           f"赵六,驾照,X123,,,{day},\n")
    page.get_by_label("CSV 文件").set_input_files({"name": "名单.csv", "mimeType": "text/csv",
                                                   "buffer": bad.encode("gb18030")})
    page.get_by_role("button", name="导入", exact=True).click()
    error = page.locator("[data-import-error]")
    expect(error).to_contain_text("未导入任何数据：文件中有 2 处错误")
    expect(error).not_to_contain_text("rejected")
    rows = page.locator("[data-import-rows] tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("证件号码")
    expect(rows.nth(0).locator("td").nth(2)).to_contain_text("校验位")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("证件类型")
    expect(rows.nth(1).locator("td").nth(2)).to_contain_text("居民身份证")
    expect(rows.nth(1).locator("td").nth(2)).not_to_contain_text("resident_id")
    shot(page, "desk-import-report-zh-CN.png")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_timeline_filters_do_not_overlap_and_name_every_type(make_context, live_server, lang):
    live_server.add_user("desk_tl", "commander", PASSWORD)
    for width in (1280, 1440, 1920):
        page = _desk(make_context, "desk_tl", lang, "/command", {"width": width, "height": 900})
        form = page.locator("[data-filters]")
        expect(form.locator("[data-error-for=to]")).to_be_attached()
        boxes = [(sel, form.locator(sel).bounding_box()) for sel in FILTERS]
        for i, (name_a, a) in enumerate(boxes):
            assert a and a["width"] > 40, (width, name_a, a)
            for name_b, b in boxes[i + 1:]:
                assert not _overlap(a, b), f"{width}px: {name_a} {a} overlaps {name_b} {b}"
        whole = form.bounding_box()
        assert all(b["x"] + b["width"] <= whole["x"] + whole["width"] + 0.5 for _, b in boxes), width
        if width == 1440:
            shot(page, f"command-timeline-{lang}.png")
        page.context.close()
    page = _desk(make_context, "desk_tl", lang, "/command")
    labels = page.locator("select[name=type] option").all_inner_texts()
    assert len(labels) > 40 and not [x for x in labels if x.startswith("event.") or "." in x], labels
    purged = page.locator("select[name=type] option[value='visitor.purged']")
    expect(purged).to_have_text("访客个人信息已按保留期限删除" if lang == "zh-CN" else
                                "Visitors' personal data erased (retention)")


def test_display_names_on_the_timeline_the_wall_feed_and_the_clearance_list(make_context, live_server):
    live_server.add_user("dn_guard", "guard", PASSWORD, display_name="陈守卫")
    live_server.add_user("dn_op", "operator", PASSWORD, display_name="王值班")
    live_server.add_user("dn_chief", "commander", PASSWORD)
    guard, op = live_server.token("dn_guard"), live_server.token("dn_op")
    wall = _desk(make_context, "dn_op", "zh-CN", "/control", {"width": 1920, "height": 1080})
    expect(wall.locator("[data-conn]")).to_have_attribute("data-state", "live")
    answer = live_server.post("/api/v1/incidents", guard, {"category": "fire_smoke", "location_id": "E2",
                                                           "description": "烟雾"})
    assert answer.status_code == 201, answer.text
    incident = answer.json()["incident"]["incident_id"]
    for action in ({"action": "acknowledge"}, {"action": "assign", "assignee": "dn_guard"}):
        moved = live_server.post(f"/api/v1/incidents/{incident}/actions", op, action)
        assert moved.status_code in (200, 201), moved.text
    feed = wall.locator("[data-feed]")
    expect(feed).to_contain_text("→ 陈守卫")
    expect(feed).not_to_contain_text("dn_guard")

    desk = _desk(make_context, "dn_chief", "zh-CN", "/command")
    assigned = desk.locator("[data-rows] tr[data-type='incident.assigned']").first
    expect(assigned).to_contain_text("→ 陈守卫")
    expect(assigned.locator("td").last).to_have_text("王值班")
    expect(desk.locator("[data-rows]")).not_to_contain_text("dn_guard")

    assert live_server.post("/api/v1/phase", live_server.token("dn_chief"), {"phase": "post_event"}).status_code in (200, 201)
    zone = live_server.ctx.venue.zones[0].id
    assert live_server.post(f"/api/v1/clearance/{zone}", guard, {"people_found": 0}).status_code == 201
    phone = make_context(viewport=PHONE, mobile=True)
    sign_in_api(phone, "dn_guard")
    screen = phone.new_page()
    screen.goto("/guard#clearance")
    done = screen.locator(f'[data-clr-done] [data-zone="{zone}"]')
    expect(done).to_contain_text("陈守卫")
    expect(done).not_to_contain_text("dn_guard")
