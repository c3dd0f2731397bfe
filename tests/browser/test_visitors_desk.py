"""The visitors desk on /command/visitors, the emergency roll-call, and the wall's live vehicle counter."""
import datetime as dt
import os
import pathlib
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from unit_ids import ID, ID2

from .pw_helpers import PASSWORD, sign_in_api

DESK = {"width": 1440, "height": 900}
SHOTS = pathlib.Path(os.environ.get("GATEWATCH_SHOTS", "/tmp/gate-shots"))
VISITOR = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000", "purpose": "会议",
           "entrance_id": "E1", "organization": "市政府办公厅", "host": "李主任"}


def today():
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_the_wall_counts_vehicles_live_and_alerts_a_vehicle_without_a_pass(make_context, live_server):
    live_server.add_user("gate_v", "guard", PASSWORD)
    live_server.add_user("wall_v", "display", PASSWORD)
    token = live_server.token("gate_v")
    context = make_context(lang="en")
    sign_in_api(context, "wall_v")
    page = context.new_page()
    page.goto("/control?lang=en")
    expect(page.locator("[data-conn]")).to_have_attribute("data-state", "live")
    counter = page.locator('[data-counter="vehicles"]')
    expect(counter).to_have_text("0")
    expect(page.locator(".c-counter", has=counter)).not_to_contain_text("not yet")
    body = {"plate": "京A12345", "direction": "in", "entrance_id": "E2", "kind": "delegate"}
    assert live_server.post("/api/v1/vehicles", token, body).status_code == 201
    assert live_server.post("/api/v1/vehicles", token, {**body, "plate": "沪B67890", "entrance_id": "E3"}).status_code == 201
    expect(counter).to_have_text("2")
    # A wall display reads plates masked to their region and last character (docs/privacy.md).
    expect(page.locator("[data-alerts]")).to_contain_text("E3 South vehicle gate: vehicle 沪B***0 without a pass")
    shot(page, "control-vehicles-en.png")
    wall_zh = make_context(lang="zh-CN")
    sign_in_api(wall_zh, "wall_v")
    zh = wall_zh.new_page()
    zh.goto("/control?lang=zh-CN")
    expect(zh.locator('[data-counter="vehicles"]')).to_have_text("2")
    expect(zh.locator("[data-alerts]")).to_contain_text("车辆 沪B***0 无通行证")
    shot(zh, "control-vehicles-zh-CN.png")
    assert live_server.post("/api/v1/vehicles", token, {**body, "direction": "out"}).status_code == 201
    expect(counter).to_have_text("1")
    page.reload()  # the snapshot gives the same count
    expect(counter).to_have_text("1")


def test_the_desk_lists_searches_checks_out_and_imports_an_expected_list(make_context, live_server):
    live_server.add_user("gate_d", "guard", PASSWORD)
    live_server.add_user("desk_op", "operator", PASSWORD)
    token = live_server.token("gate_d")
    day = today()
    for lang in ("en", "zh-CN"):
        context = make_context(lang=lang, viewport=DESK)
        sign_in_api(context, "desk_op")
        page = context.new_page()
        page.goto(f"/command/visitors?lang={lang}")
        if lang == "en":
            expect(page.locator(".desk-nav a[aria-current=page]")).to_have_text("Visitors")
            # A file with one bad row: the report names the line, nothing is imported.
            bad = (f"name,id_type,id_number,organization,host,date,plate\n张三丰,resident_id,{ID},市政府办公厅,李主任,{day},\n"
                   f"王五,resident_id,{ID[:-1]}1,,,{day},\n")
            page.locator("[data-import-file]").set_input_files(
                {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad.encode()})
            page.get_by_role("button", name="Import", exact=True).click()
            report = page.locator("[data-import-rows] tr")
            expect(report).to_have_count(1)
            expect(report.first).to_contain_text("3")
            expect(report.first).to_contain_text("check character")
            expect(page.locator("[data-expected-counts]")).to_have_text("0 of 0 arrived")
            good = (f"name,id_type,id_number,organization,host,date,plate\n张三丰,resident_id,{ID},市政府办公厅,李主任,{day},\n"
                    f"李四,resident_id,{ID2},外交部,王经理,{day},京A·88888\n")
            page.locator("[data-import-file]").set_input_files(
                {"name": "good.csv", "mimeType": "text/csv", "buffer": good.encode()})
            page.get_by_role("button", name="Import", exact=True).click()
            expect(page.locator("[data-import-ok]")).to_have_text("Imported 2 expected visitors.")
            expect(page.locator("[data-expected-counts]")).to_have_text("0 of 2 arrived")
            # The expected person arrives (marked expected), a walk-in too.
            assert live_server.post("/api/v1/visitors", token, VISITOR).json()["visitor"]["expected"] is True
            walk_in = {**VISITOR, "name": "Jane Doe", "id_type": "passport", "id_number": "E12345678",
                       "entrance_id": "E2", "organization": "ACME", "host": "王经理"}
            assert live_server.post("/api/v1/visitors", token, walk_in).status_code == 201
            page.reload()
        rows = page.locator("[data-onsite-rows] tr")
        expect(rows).to_have_count(2)
        expect(page.locator("[data-onsite-count]")).to_have_text("2")
        expect(rows.filter(has_text="张三丰")).to_contain_text(ID[:6] + "********" + ID[-4:])
        expect(page.locator("[data-expected-rows] tr[data-arrived=true]")).to_have_count(1)
        expect(page.locator("[data-expected-rows] tr[data-arrived=false]")).to_contain_text("李四")
        shot(page, f"desk-{lang}.png")
        context.close()

    context = make_context(lang="en", viewport=DESK)
    sign_in_api(context, "desk_op")
    page = context.new_page()
    page.goto("/command/visitors?lang=en")
    rows = page.locator("[data-onsite-rows] tr")
    expect(rows).to_have_count(2)
    page.locator("[data-search] input[name=q]").fill("acme")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Jane Doe")
    page.locator("[data-search] input[name=q]").fill(ID[-4:])
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三丰")
    page.locator("[data-exit]").select_option("E4")
    rows.first.get_by_role("button", name="Check out").click()
    expect(page.locator("[data-onsite-status]")).to_have_text("No visitor on site matches.")
    page.locator("[data-search] input[name=q]").fill("")
    expect(rows).to_have_count(1)
    expect(page.locator("[data-onsite-count]")).to_have_text("1")
    visitors = context.request.get("/api/v1/visitors?on_site=false").json()["visitors"]
    assert [v["exit_entrance_id"] for v in visitors] == ["E4"]


def test_the_roll_call_lists_who_is_inside_by_entrance_and_prints_on_a4(make_context, live_server):
    live_server.add_user("gate_r", "guard", PASSWORD)
    live_server.add_user("desk_r", "operator", PASSWORD)
    live_server.add_user("guard_r", "guard", PASSWORD)
    token = live_server.token("gate_r")
    inside = [live_server.post("/api/v1/visitors", token, {**VISITOR, "name": name, "entrance_id": gate,
                                                            "id_number": number}).json()["visitor"]
              for name, gate, number in (("钱七", "E1", ID), ("孙八", "E2", ID2), ("Anna Smith", "E2", ID))]
    left = live_server.post("/api/v1/visitors", token, {**VISITOR, "name": "周九"}).json()["visitor"]
    assert live_server.post(f"/api/v1/visitors/{left['visitor_id']}/checkout", token, {"entrance_id": "E1"}).status_code == 200
    for lang, title, total in (("zh-CN", "紧急疏散清点名单", "在场人数"), ("en", "Emergency roll-call", "On site")):
        context = make_context(lang=lang, viewport=DESK)
        sign_in_api(context, "desk_r")
        page = context.new_page()
        page.goto(f"/command/roll-call?lang={lang}")
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator(".roll-meta")).to_contain_text(total)
        on_site = len(context.request.get("/api/v1/visitors?on_site=true").json()["visitors"])
        expect(page.locator("[data-total]")).to_have_text(str(on_site))
        expect(page.locator("[data-roll-call] tbody tr")).to_have_count(on_site)
        for visitor in inside:
            row = page.locator(f'tr[data-visitor="{visitor["visitor_id"]}"]')
            expect(row).to_contain_text(visitor["name"])
            expect(row).to_contain_text(visitor["id_masked"])
            expect(row).to_contain_text("13800138000")
            expect(row).to_contain_text("李主任")
            expect(page.locator(f'[data-entrance="{visitor["entrance_id"]}"]')).to_contain_text(visitor["name"])
        expect(page.locator("[data-roll-call]")).not_to_contain_text("周九")
        assert ID not in page.content()
        shot(page, f"roll-call-{lang}.png")
        # On paper: no header, no buttons; the list itself stays.
        page.emulate_media(media="print")
        expect(page.locator(".desk-head")).to_be_hidden()
        expect(page.locator("[data-print]")).to_be_hidden()
        expect(page.locator("[data-entrance=E2] h2")).to_be_visible()
        shot(page, f"roll-call-print-{lang}.png")
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
        assert pdf.startswith(b"%PDF") and boxes  # A4: 595 × 842 pt
        assert all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes), boxes
        page.emulate_media(media="screen")
        context.close()
    # A guard may not open it.
    context = make_context(lang="en", viewport=DESK)
    sign_in_api(context, "guard_r")
    page = context.new_page()
    assert page.goto("/command/roll-call").status == 403
