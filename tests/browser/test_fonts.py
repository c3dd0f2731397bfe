"""Chinese is drawn, never boxes: monospace text (the deny screen's name, a plate) falls back to
the Noto Sans SC the pages serve. The machine running these tests has no system CJK font, so
a stack without Noto Sans SC draws every Chinese character as the same empty box."""
import uuid

import requests
from playwright.sync_api import expect

from unit_ids import ID

from .pw_helpers import PASSWORD, PHONE, sign_in_api

GUARD, CHIEF = "font_guard", "font_chief"

# Draw two different Chinese characters in the element's computed font (as its weight): real glyphs
# differ, boxes ("tofu") are identical. `family` overrides the element's font (a control).
GLYPHS = """async ([sel, text, family]) => {
  const el = document.querySelector(sel);
  const cs = getComputedStyle(el);
  const font = `${cs.fontWeight} 48px ${family || cs.fontFamily}`;
  const han = [...text].filter((c) => /\\p{Script=Han}/u.test(c));
  await document.fonts.load(font, han.join(""));
  const draw = (c) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    const g = canvas.getContext("2d");
    g.font = font;
    g.fillText(c, 4, 52);
    return Array.from(g.getImageData(0, 0, 64, 64).data).join(",");
  };
  return { family: cs.fontFamily, distinct: draw(han[0]) !== draw(han[1]),
           served: document.fonts.check(`${cs.fontWeight} 48px "Noto Sans SC"`, han.join("")) };
}"""


def _glyphs(page, selector, text, family=None):
    """Return {family, distinct, served} for the element's Chinese text."""
    return page.evaluate(GLYPHS, [selector, text, family])


def _phone(make_context, live_server):
    """Open /guard as the guard on a phone."""
    live_server.add_user(GUARD, "guard", PASSWORD)
    context = make_context(viewport=PHONE, mobile=True)
    sign_in_api(context, GUARD)
    page = context.new_page()
    page.goto("/guard")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def test_the_deny_screen_draws_the_name_in_a_font_with_chinese_glyphs(make_context, live_server):
    live_server.add_user(CHIEF, "commander", PASSWORD)
    chief = {"Authorization": f"Bearer {live_server.token(CHIEF)}"}
    entry = requests.post(live_server.url + "/api/v1/watchlist", timeout=10,
                          json={"id_type": "resident_id", "id_number": ID, "action": "deny", "reason": "test"},
                          headers={**chief, "Idempotency-Key": uuid.uuid4().hex})
    assert entry.status_code == 201, entry.text
    page = _phone(make_context, live_server)
    page.goto("/guard#visitor")
    page.locator("#v-id").fill(ID)
    page.locator("#v-name").fill("成昆")
    page.locator('[data-purpose="参会"]').tap()
    page.locator("[data-visitor] [data-submit]").tap()
    who = page.locator("[data-deny-who]")
    expect(who).to_contain_text("成昆")
    drawn = _glyphs(page, "[data-deny-who]", "成昆")
    assert "Noto Sans SC" in drawn["family"], drawn
    assert drawn["served"] and drawn["distinct"], drawn
    # The check can fail: a Latin monospace font alone draws both names' characters as one box.
    assert not _glyphs(page, "[data-deny-who]", "成昆", '"DejaVu Sans Mono", monospace')["distinct"]
    page.screenshot(path=str(live_server.data_dir / "deny.png"))


def test_a_plate_typed_in_the_vehicle_form_shows_its_province_character(make_context, live_server):
    page = _phone(make_context, live_server)
    page.goto("/guard#vehicle")
    plate = page.locator("#vh-plate")
    plate.fill("沪A12345")
    assert "monospace" in plate.evaluate("el => getComputedStyle(el).fontFamily")
    drawn = _glyphs(page, "#vh-plate", "沪粤")
    assert "Noto Sans SC" in drawn["family"] and drawn["distinct"], drawn


def test_every_monospace_rule_on_the_api_reference_falls_back_to_noto_sans_sc(make_context, live_server):
    live_server.add_user(CHIEF, "commander", PASSWORD)
    context = make_context()
    sign_in_api(context, CHIEF)
    page = context.new_page()
    page.goto("/api/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    families = page.evaluate("""() => [...new Set([...document.querySelectorAll('.swagger-ui *')]
        .map((el) => getComputedStyle(el).fontFamily))]""")
    assert families and all("Noto Sans SC" in f for f in families), families
