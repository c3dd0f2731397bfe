from playwright.sync_api import expect
from .pw_helpers import PASSWORD, PHONE, sign_in_api
from .test_incident_report import _jpeg


def test_shots(make_context, live_server):
    live_server.add_user("shot_guard", "guard", PASSWORD, display_name="赵六")
    for lang in ("zh-CN", "en"):
        context = make_context(viewport=PHONE, mobile=True, lang=lang)
        sign_in_api(context, "shot_guard")
        page = context.new_page()
        page.goto(f"/guard?lang={lang}#incident")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        page.wait_for_timeout(500)
        page.screenshot(path=f"/tmp/photos/empty-{lang}.png", full_page=True)
        page.locator("[data-incident] [data-submit]").click()
        page.screenshot(path=f"/tmp/photos/errors-{lang}.png", full_page=True)
        page.locator('[data-category="fire_smoke"]').click()
        page.locator("[data-locations]").select_option("C1")
        page.locator('textarea[name="description"]').fill("厨房冒烟 smoke from kitchen")
        page.locator("[data-photo-input]").set_input_files([_jpeg(), _jpeg((1200, 1600))])
        expect(page.locator("[data-thumbs] img")).to_have_count(2)
        page.screenshot(path=f"/tmp/photos/filled-{lang}.png", full_page=True)
        page.goto(f"/guard?lang={lang}")
        page.wait_for_timeout(500)
        page.screenshot(path=f"/tmp/photos/home-{lang}.png")
