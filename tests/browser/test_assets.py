"""Locally served assets: the Noto Sans SC web font on /guard, and the /api/docs reference page."""
import requests
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, sign_in_api


def _watch(context, live_server):
    """Record every URL the context requests and every console error or page error."""
    urls, errors = [], []
    context.on("request", lambda request: urls.append(request.url))
    context.on("console", lambda message: message.type == "error" and errors.append(message.text))
    context.on("weberror", lambda error: errors.append(str(error.error)))
    return urls, errors


def _foreign(urls, live_server):
    """Return the requested URLs that left the server's origin."""
    return [u for u in urls if not u.startswith(live_server.url + "/") and not u.startswith(("data:", "blob:"))]


def test_guard_headings_use_the_served_noto_sans_sc(make_context, live_server):
    live_server.add_user("font_guard", "guard", PASSWORD, display_name="门岗甲")
    context = make_context(viewport=PHONE, lang="zh-CN", mobile=True)
    sign_in_api(context, "font_guard")
    urls, _ = _watch(context, live_server)
    page = context.new_page()
    page.goto("/guard")
    page.locator('a[data-go="checkin"]').click()
    heading = page.locator("[data-checkin] h1")
    expect(heading).to_be_visible()
    text = heading.inner_text()
    assert page.evaluate("""async (text) => {
        await document.fonts.ready;
        return document.fonts.check('700 16px "Noto Sans SC"', text) && document.fonts.check('16px "Noto Sans SC"', '门岗');
    }""", text)
    # The glyphs Chromium actually drew for the heading came from the served web font (its subset
    # files name themselves "Noto Sans SC Thin" inside, whatever their weight).
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-checkin] h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    assert fonts and all(f["familyName"].startswith("Noto Sans SC") and f["isCustomFont"] for f in fonts), fonts
    assert any("/static/vendor/fonts/" in u and u.endswith(".woff2") for u in urls)
    assert not _foreign(urls, live_server)


def test_api_docs_renders_the_openapi_document_under_the_strict_csp(make_context, live_server):
    assert requests.get(live_server.url + "/api/docs", timeout=10).status_code == 200  # no sign-in needed
    live_server.add_user("docs_admin", "admin", PASSWORD)
    context = make_context(lang="en")
    sign_in_api(context, "docs_admin")  # /api/v1/openapi.json may need a session
    urls, errors = _watch(context, live_server)
    page = context.new_page()
    answer = page.goto("/api/docs")
    assert "'unsafe-" not in answer.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Gatewatch API")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/checkins")
    expect(operation.first).to_be_visible()
    operation.first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert not errors
    assert not _foreign(urls, live_server)
