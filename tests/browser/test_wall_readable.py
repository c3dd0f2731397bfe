"""The wall at 1920×1080 as an operator reads it from three metres: nothing hidden silently (the
severity-1 alerts first, "+N more" for the rest), the place of every incident readable in the
banner and the rows in both languages, no text under 18 px, a hostile description shown as text."""
import pytest
from playwright.sync_api import expect

from server import events as ev
from server import ledger

from .pw_helpers import PASSWORD, sign_in_api

OPERATOR, GUARD = "wallread_op", "wallread_guard"
HOSTILE = "<img src=x onerror=alert(1)>"
# Long names on both sides: the venue's longest places, with each category.
INCIDENTS = (("fire_smoke", "E5"), ("fire_smoke", "power_room"), ("medical", "E3"), ("lost_found", "canteen_kitchen"))
PLACES = {"zh-CN": {"E5": "后勤服务门（送货）", "power_room": "配电及设备间", "E3": "南门（车辆入口）",
                    "canteen_kitchen": "餐厅及厨房"},
          "en": {"E5": "Service & delivery gate", "power_room": "Power & equipment room", "E3": "South vehicle gate",
                 "canteen_kitchen": "Canteen & kitchen"}}


@pytest.fixture(scope="module")
def busy(live_server):
    """A busy moment: four open incidents (two severity 1, unacknowledged), ten milder alerts raised
    first and two severity-1 escalations raised last (newest-first would push them off screen)."""
    live_server.add_user(OPERATOR, "operator", PASSWORD)
    live_server.add_user(GUARD, "guard", PASSWORD)
    guard = live_server.token(GUARD)
    ids = []
    for category, place in INCIDENTS:
        answer = live_server.post("/api/v1/incidents", guard, {"category": category, "location_id": place,
                                                               "description": HOSTILE})
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["incident"]["incident_id"])
    ctx = live_server.ctx
    for n, cp in enumerate(("C1", "C2", "C3", "C4", "C5", "C6", "C7", "E1", "E2", "E4")):
        ledger.record(ctx, [ev.draft("alert.raised", actor=ev.SYSTEM_ACTOR, data={
            "alert_id": f"busy-{n}", "kind": "patrol_overdue", "checkpoint_id": cp, "severity": 3,
            "due_at": ev.iso(ev.utc_now())})])
    for iid, (category, place) in zip(ids[:2], INCIDENTS[:2]):
        ledger.record(ctx, [ev.draft("alert.raised", actor=ev.SYSTEM_ACTOR, data={
            "alert_id": f"unack-{iid}", "kind": "incident_unacknowledged", "severity": 1, "incident_id": iid,
            "category": category, "location_id": place})])
    return ids


def _wall(make_context, lang):
    """Open /control at 1920×1080 as the operator, live."""
    context = make_context(lang=lang)
    sign_in_api(context, OPERATOR)
    page = context.new_page()
    page.on("dialog", lambda d: pytest.fail(f"a script ran from data: {d.message}"))
    page.goto("/control")
    expect(page.locator("[data-conn]")).to_have_attribute("data-state", "live")
    page.evaluate("document.fonts.ready")
    return page


def _unclipped(locator):
    """Tell whether an element shows all of its text (nothing cut by an ellipsis or a clamp)."""
    return locator.evaluate("""(el) => getComputedStyle(el).overflow === "visible"
      || (el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 2)""")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_twelve_open_alerts_show_the_severity_one_first_and_count_the_rest(make_context, busy, lang):
    page = _wall(make_context, lang)
    alerts = page.locator("[data-alerts] li")
    expect(alerts).to_have_count(12)
    expect(page.locator("[data-alert-count]")).to_have_text("12")
    visible = page.locator("[data-alerts] li:not([hidden])")
    assert 2 <= visible.count() < 12
    assert [visible.nth(i).get_attribute("data-severity") for i in range(2)] == ["1", "1"]
    for i in range(2):  # each escalation names the incident's kind and place
        text = visible.nth(i).locator(".c-alert-text").inner_text()
        assert any(PLACES[lang][p] in text for _, p in INCIDENTS[:2]), text
    more = page.locator("[data-alerts-more]")
    hidden = 12 - visible.count()
    expect(more).to_contain_text(str(hidden))
    # The last visible alert ends inside its panel; the banner sits above the panels, not over them.
    panel = page.locator(".c-alerts").bounding_box()
    last = visible.nth(visible.count() - 1).bounding_box()
    assert last["y"] + last["height"] <= panel["y"] + panel["height"] + 1
    banner = page.locator("[data-incident-banner]")
    expect(banner).to_be_visible()
    heading = page.locator(".c-alerts h2").bounding_box()
    b = banner.bounding_box()
    assert b["y"] + b["height"] <= heading["y"], (b, heading)
    page.screenshot(path=f"/tmp/wall-busy-{lang}.png")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_place_of_every_incident_is_readable_in_the_banner_and_the_rows(make_context, busy, lang):
    page = _wall(make_context, lang)
    title = page.locator("[data-incident-banner] .c-ib-title")
    expect(title).to_be_visible()
    assert any(PLACES[lang][p] in title.inner_text() for _, p in INCIDENTS[:2]) and _unclipped(title)
    for iid, (_, place) in zip(busy, INCIDENTS):
        what = page.locator(f'[data-incident="{iid}"] .c-iwhat')
        if not what.is_visible():
            continue  # counted in "+N more"
        expect(what).to_contain_text(PLACES[lang][place])
        assert _unclipped(what), what.inner_text()
    assert page.locator("[data-incidents] li:not([hidden])").count() >= 2
    assert HOSTILE in page.locator("[data-incidents]").inner_text()  # shown as text, never run


def test_no_text_on_the_wall_is_smaller_than_18_px(make_context, busy):
    """Every panel, bar, legend and the feed (the floor plan's own labels are fitted to its zones)."""
    page = _wall(make_context, "en")
    smallest = page.evaluate("""() => {
      const found = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el || !el.getClientRects().length) continue;
        if (el.closest("[hidden], title, script, style, .visually-hidden, svg")) continue;
        const px = parseFloat(getComputedStyle(el).fontSize);
        found.push([px, (el.className?.baseVal ?? el.className) + ": " + node.textContent.trim().slice(0, 30)]);
      }
      found.sort((a, b) => a[0] - b[0]);
      return found.slice(0, 5);
    }""")
    assert smallest[0][0] >= 18, smallest
