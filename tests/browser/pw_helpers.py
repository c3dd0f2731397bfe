"""Helpers for the browser tests (contexts, signing in)."""

PHONE = {"width": 390, "height": 844}
WALL = {"width": 1920, "height": 1080}
PASSWORD = "correct-horse-1"


def new_context(browser, server, *, viewport=WALL, lang="zh-CN", mobile=False):
    """Open a fresh browser context (its own cookies and storage) for the server."""
    context = browser.new_context(base_url=server.url, viewport=viewport, locale=lang,
                                  timezone_id="Asia/Shanghai", is_mobile=mobile, has_touch=mobile)
    context.set_default_timeout(15000)
    return context


def sign_in_api(context, username, password=PASSWORD):
    """Sign the context in through the API (its cookie jar is the browser's)."""
    answer = context.request.post("/api/v1/auth/login", data={"username": username, "password": password})
    assert answer.ok, answer.text()
    return answer.json()


def sign_in_page(page, username, password=PASSWORD):
    """Sign in through the /login form the way a person does."""
    page.get_by_label("用户名").or_(page.get_by_label("Username")).fill(username)
    page.locator("#password").fill(password)
    page.locator("[data-login] [data-submit]").click()
