"""The command desk's incident pages: list, record with history, SOP ticks, agencies, the role's
actions (resolve with a skipped-step reason, a commander's close) and the printed A4 record."""
import re

import requests
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, sign_in_api


def _report(live_server, guard, **body):
    """Report an incident as a guard and return its id."""
    answer = live_server.post("/api/v1/incidents", guard, {"category": "medical", "location_id": "main_hall",
                                                           "description": "一名代表在主会场晕倒", **body})
    assert answer.status_code == 201, answer.text
    return answer.json()["incident"]["incident_id"]


def _act(live_server, token, incident_id, **body):
    """Take an action through the API."""
    answer = live_server.post(f"/api/v1/incidents/{incident_id}/actions", token, body)
    assert answer.status_code == 200, answer.text


def _status(live_server, token, incident_id):
    """Return an incident's status as the API has it."""
    answer = requests.get(f"{live_server.url}/api/v1/incidents/{incident_id}", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    return answer.json()["incident"]


def _desk(make_context, username, lang="zh-CN"):
    """Return a page signed in as username at the desk's size."""
    context = make_context(viewport={"width": 1440, "height": 900}, lang=lang)
    sign_in_api(context, username)
    return context.new_page()


def test_an_operator_runs_an_incident_and_a_commander_closes_it(make_context, live_server):
    live_server.add_user("desk_op", "operator", PASSWORD, display_name="值班员乙")
    live_server.add_user("desk_cmd", "commander", PASSWORD, display_name="指挥员丙")
    live_server.add_user("hall_guard", "guard", PASSWORD, display_name="保安丁")
    guard, operator = live_server.token("hall_guard"), live_server.token("desk_op")
    incident_id = _report(live_server, guard)
    _act(live_server, operator, incident_id, action="acknowledge")

    page = _desk(make_context, "desk_op")
    page.goto("/command/incidents")
    expect(page.locator('.desk-nav a[aria-current="page"]')).to_have_attribute("href", "/command/incidents")
    row = page.locator(f'[data-incident-row="{incident_id}"]')
    expect(row).to_contain_text("医疗急救")
    page.locator('select[name="severity"]').select_option("1")
    page.get_by_role("button", name="查询").click()
    expect(row).to_have_count(0)  # a severity-2 incident is filtered out
    page.locator('select[name="severity"]').select_option("")
    page.locator('select[name="category"]').select_option("medical")
    page.get_by_role("button", name="查询").click()
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/command/incidents/{incident_id}$"))

    history = page.locator("[data-history] tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("事件上报")
    expect(history.nth(0)).to_contain_text("保安丁")
    expect(history.nth(1)).to_contain_text("值班员乙")
    expect(page.locator("[data-photos]")).to_have_count(0)  # no photos: no empty gallery
    expect(page.locator("[data-action-button=close]")).to_have_count(0)  # commanders close, not operators

    page.locator('[data-tick="0"]').click()
    expect(page.locator('[data-sop] li[data-step="0"]')).to_have_attribute("data-done", "true")
    expect(history).to_have_count(3)

    notify = page.locator('form[data-incident-action="notify_agency"]')
    notify.get_by_role("button").click()  # no agency chosen: the API's field error shows inline
    expect(notify.locator('[data-error-for="agency"]')).to_be_visible()
    notify.locator('select[name="agency"]').select_option("medical")
    notify.locator('input[name="reference"]').fill("120-0815")
    notify.get_by_role("button").click()
    expect(page.locator('[data-agencies] li[data-agency="medical"]')).to_contain_text("120-0815")

    resolve = page.locator('form[data-incident-action="resolve"]')
    expect(resolve).to_contain_text("3 个处置步骤未勾选")
    resolve.get_by_role("button").click()
    expect(resolve.locator('[data-error-for="reason"]')).to_be_visible()
    resolve.locator('textarea[name="reason"]').fill("医护已到场接手")
    resolve.get_by_role("button").click()
    expect(page.locator("[data-incident-status]")).to_have_attribute("data-status", "resolved")
    expect(page.locator('[data-history] tr[data-type="incident.resolved"]')).to_contain_text("医护已到场接手")
    expect(page.locator("[data-actions]")).to_have_count(0)  # nothing left for an operator
    assert _status(live_server, operator, incident_id)["status"] == "resolved"

    boss = _desk(make_context, "desk_cmd", lang="en")
    boss.goto(f"/command/incidents/{incident_id}?lang=en")
    expect(boss.locator("[data-action-button]")).to_have_count(2)  # close, reopen
    boss.locator("[data-action-button=close]").click()
    expect(boss.locator("[data-incident-status]")).to_have_attribute("data-status", "closed")
    expect(boss.locator('[data-history] tr[data-type="incident.closed"]')).to_contain_text("指挥员丙")
    assert _status(live_server, operator, incident_id)["status"] == "closed"


def test_the_record_prints_on_a4_without_buttons(make_context, live_server):
    live_server.add_user("desk_op", "operator", PASSWORD)
    live_server.add_user("hall_guard", "guard", PASSWORD)
    incident_id = _report(live_server, live_server.token("hall_guard"), category="fire_smoke", location_id="E2")
    page = _desk(make_context, "desk_op", lang="en")
    page.goto("/command")
    link = page.locator(f'a.record-link[href="/command/incidents/{incident_id}"]')
    expect(link.first).to_be_visible()  # the timeline links to the record
    link.first.click()
    expect(page.locator("[data-action-button=acknowledge]")).to_be_visible()
    page.emulate_media(media="print")
    sizes = page.evaluate("""() => [...document.styleSheets].flatMap((s) => [...s.cssRules])
        .filter((r) => r instanceof CSSPageRule).map((r) => r.style.getPropertyValue('size'))""")
    assert "a4" in [s.lower() for s in sizes]
    expect(page.locator("[data-action-button=acknowledge]")).to_be_hidden()
    expect(page.locator("[data-print]")).to_be_hidden()
    expect(page.locator(".desk-head")).to_be_hidden()
    expect(page.locator("[data-history]")).to_be_visible()
    expect(page.locator(".inc-print-title")).to_contain_text("Incident record")
    assert page.pdf(format="A4")[:4] == b"%PDF"


def test_an_unknown_incident_is_a_404_page(make_context, live_server):
    live_server.add_user("desk_op", "operator", PASSWORD)
    page = _desk(make_context, "desk_op")
    answer = page.goto("/command/incidents/nope")
    assert answer.status == 404
    expect(page.locator("h1")).to_contain_text("页面不存在")


def test_the_incident_pages_are_for_the_desk_roles_only(live_server):
    live_server.add_user("desk_guard", "guard", PASSWORD)
    live_server.add_user("desk_wall", "display", PASSWORD)
    anonymous = requests.get(live_server.url + "/command/incidents", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302 and "/login?next=" in anonymous.headers["Location"]
    for username in ("desk_guard", "desk_wall"):
        session = requests.Session()
        assert session.post(live_server.url + "/api/v1/auth/login",
                            json={"username": username, "password": PASSWORD}, timeout=10).ok
        assert session.get(live_server.url + "/command/incidents", timeout=10).status_code == 403
        assert session.get(live_server.url + "/command/incidents/x", timeout=10).status_code == 403
    operator = requests.Session()
    live_server.add_user("desk_op", "operator", PASSWORD)
    assert operator.post(live_server.url + "/api/v1/auth/login",
                         json={"username": "desk_op", "password": PASSWORD}, timeout=10).ok
    odd = operator.get(live_server.url + "/command/incidents?status=bogus&severity=9&category=" + "x" * 300, timeout=10)
    assert odd.status_code == 200  # odd filters are ignored, never a 500


def test_the_record_follows_someone_elses_action_live(make_context, live_server):
    live_server.add_user("desk_op", "operator", PASSWORD)
    live_server.add_user("desk_op2", "operator", PASSWORD, display_name="值班员戊")
    live_server.add_user("hall_guard", "guard", PASSWORD)
    incident_id = _report(live_server, live_server.token("hall_guard"))
    page = _desk(make_context, "desk_op")
    page.goto(f"/command/incidents/{incident_id}")
    expect(page.locator("[data-incident]")).to_have_attribute("data-live", "live")
    _act(live_server, live_server.token("desk_op2"), incident_id, action="acknowledge")
    expect(page.locator("[data-incident-status]")).to_have_attribute("data-status", "acknowledged")
    expect(page.locator("[data-history] tbody tr")).to_have_count(2)
    expect(page.locator("[data-history] tbody tr").nth(1)).to_contain_text("值班员戊")

    page.locator('form[data-incident-action="note"] textarea').fill("正在联系家属")
    _act(live_server, live_server.token("desk_op2"), incident_id, action="sop_step", step=1)
    expect(page.locator("[data-stale]")).to_be_visible()  # what the viewer is typing is not wiped
    expect(page.locator('form[data-incident-action="note"] textarea')).to_have_value("正在联系家属")
    page.locator('form[data-incident-action="note"]').get_by_role("button").click()
    expect(page.locator('[data-history] tr[data-type="incident.noted"]')).to_contain_text("正在联系家属")
    expect(page.locator('[data-sop] li[data-step="1"]')).to_have_attribute("data-done", "true")
    expect(page.locator("[data-stale]")).to_have_count(0)
