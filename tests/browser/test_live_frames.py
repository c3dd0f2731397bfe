"""Live frames {events, patches, cursor} in Chromium, in both languages at once: a check-in, a
visitor, an incident, a hazard and a clearance sweep reach /control, /guard and the /command
incident record without a reload, drawn from the server's sections and patches."""
from playwright.sync_api import expect

from unit_ids import ID

from .pw_helpers import PASSWORD, PHONE, sign_in_api

LANGS = ("zh-CN", "en")
WHO = {"zh-CN": "zh", "en": "en"}  # usernames are lower-case
VISITOR = {"name": "林小明", "id_type": "resident_id", "id_number": ID, "purpose": "会议", "entrance_id": "E1"}


def _open(make_context, username, path, lang, **kwargs):
    """Open a page for a signed-in user in a language."""
    context = make_context(lang=lang, **kwargs)
    sign_in_api(context, username)
    page = context.new_page()
    page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    return page


def _post(live_server, token, path, body, status=(200, 201)):
    """POST as a user and return the answer's JSON (failing on anything but success)."""
    answer = live_server.post(path, token, body)
    assert answer.status_code in status, answer.text
    return answer.json()


def test_every_page_follows_the_live_frames_in_both_languages(make_context, live_server):
    for lang in LANGS:
        live_server.add_user(f"lf_op_{WHO[lang]}", "operator", PASSWORD)
        live_server.add_user(f"lf_guard_{WHO[lang]}", "guard", PASSWORD)
        live_server.add_user(f"lf_boss_{WHO[lang]}", "commander", PASSWORD)
    guard = live_server.token("lf_guard_zh")
    operator = live_server.token("lf_op_en")
    boss = live_server.token("lf_boss_en")
    walls = {lang: _open(make_context, f"lf_op_{WHO[lang]}", "/control", lang) for lang in LANGS}
    phones = {lang: _open(make_context, f"lf_guard_{WHO[lang]}", "/guard", lang, viewport=PHONE, mobile=True)
              for lang in LANGS}
    for lang in LANGS:
        expect(walls[lang].locator("[data-conn]")).to_have_attribute("data-state", "live")
        expect(phones[lang].locator("body")).to_have_attribute("data-ready", "true")

    # A check-in: the wall's marker, counter and feed; the other guard's checkpoint button.
    _post(live_server, guard, "/api/v1/checkins", {"checkpoint_id": "E1", "status": "clear"})
    for lang in LANGS:
        wall = walls[lang]
        expect(wall.locator('[data-marker="E1"]')).to_have_attribute("data-status", "fresh")
        expect(wall.locator('[data-counter="checkins_hour"]')).to_have_text("1")
        expect(wall.locator('[data-counter="guards_active"]')).to_have_text("1")
        expect(wall.locator("[data-feed] li").first).to_contain_text("E1")
        expect(phones[lang].locator('[data-checkin] [data-checkpoint="E1"]')).to_have_attribute("data-status", "fresh")

    # A visitor in, then out.
    visitor = _post(live_server, guard, "/api/v1/visitors", VISITOR)["visitor"]
    for wall in walls.values():
        expect(wall.locator('[data-counter="visitors"]')).to_have_text("1")
        expect(wall.locator(f'[data-visitor="{visitor["visitor_id"]}"]')).to_contain_text("林小明")
    _post(live_server, guard, f"/api/v1/visitors/{visitor['visitor_id']}/checkout", {"entrance_id": "E2"})
    for wall in walls.values():
        expect(wall.locator('[data-counter="visitors"]')).to_have_text("0")
        expect(wall.locator("[data-visitor]")).to_have_count(0)

    # An incident: on the walls, on each commander's record, acknowledged and assigned elsewhere.
    incident = _post(live_server, guard, "/api/v1/incidents",
                     {"category": "other", "severity": 2, "location_id": "E2", "description": "门禁故障"})["incident"]
    incident_id = incident["incident_id"]
    desks = {lang: _open(make_context, f"lf_boss_{WHO[lang]}", f"/command/incidents/{incident_id}", lang)
             for lang in LANGS}
    for lang in LANGS:
        expect(walls[lang].locator(f'[data-incidents] li[data-incident="{incident_id}"]')).to_have_attribute(
            "data-status", "reported")
        expect(desks[lang].locator("[data-incident]")).to_have_attribute("data-live", "live")
    _post(live_server, operator, f"/api/v1/incidents/{incident_id}/actions", {"action": "acknowledge"})
    for lang in LANGS:
        expect(walls[lang].locator(f'[data-incidents] li[data-incident="{incident_id}"]')).to_have_attribute(
            "data-status", "acknowledged")
        expect(desks[lang].locator("[data-incident]")).to_have_attribute("data-status", "acknowledged")
    _post(live_server, operator, f"/api/v1/incidents/{incident_id}/actions",
          {"action": "assign", "assignee": "lf_guard_en"})
    expect(phones["en"].locator("[data-tasks-banner]")).to_be_visible()
    expect(phones["zh-CN"].locator("[data-tasks-banner]")).to_be_hidden()  # not theirs

    # A hazard: a failed critical item turns its readiness cell red; rectified, it passes.
    results = [{"item_id": item.id, "ok": item.id != "leakage_protection", "note": "跳闸失灵"}
               for item in next(c for c in live_server.ctx.venue.checklists if c.id == "electrical").items]
    hazards = _post(live_server, guard, "/api/v1/inspections",
                    {"checklist_id": "electrical", "area_id": "power_room", "results": results})["hazards"]
    cell = '[data-cell="electrical@power_room"]'
    for wall in walls.values():
        expect(wall.locator(cell)).to_have_attribute("data-state", "open_hazards")
    _post(live_server, operator, f"/api/v1/hazards/{hazards[0]['hazard_id']}/rectify", {"note": "换了漏保"})
    for wall in walls.values():
        expect(wall.locator(cell)).to_have_attribute("data-state", "passed")

    # Clearance: the meeting ends, one guard sweeps a zone, the other guard's phone and the walls follow.
    for phone in phones.values():
        phone.locator('[data-go="clearance"]').first.click()
    _post(live_server, live_server.token("lf_boss_zh"), "/api/v1/phase", {"phase": "post_event"})
    zone = live_server.ctx.venue.zones[0].id
    for wall in walls.values():
        expect(wall.locator("[data-clearance-panel]")).to_be_visible()
    _post(live_server, guard, f"/api/v1/clearance/{zone}", {"people_found": 0})
    for lang in LANGS:
        expect(walls[lang].locator(f'[data-clearance-panel] [data-zone="{zone}"]')).to_have_attribute(
            "data-state", "cleared")
        expect(walls[lang].locator(f'polygon[data-zone="{zone}"]')).to_have_attribute("data-clearance", "cleared")
        expect(phones[lang].locator(f'[data-clr-done] [data-zone="{zone}"]')).to_be_visible()
