"""The guard's outbox: nothing is lost offline or when the session expires, nothing is doubled."""
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, outbox_items, sign_in_api

GUARD = "guard_wang"


def _checkins_by(live_server, username):
    """Return the patrol.checkin events the server stored for a user."""
    token = live_server.token("outbox_reader")
    import requests
    answer = requests.get(live_server.url + "/api/v1/events", timeout=10,
                          params={"type": "patrol.checkin", "actor": username, "limit": 100},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()["events"]


def _guard_page(make_context, live_server):
    """Sign the guard in on a phone-sized page showing the check-in form."""
    live_server.add_user(GUARD, "guard", PASSWORD, display_name="王五")
    live_server.add_user("outbox_reader", "operator", PASSWORD)
    context = make_context(viewport=PHONE, mobile=True)
    sign_in_api(context, GUARD)
    page = context.new_page()
    page.goto("/guard#checkin")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-checkin]")).to_be_visible()
    return context, page


def test_offline_submission_is_queued_then_sent_once(make_context, live_server):
    context, page = _guard_page(make_context, live_server)
    before = len(_checkins_by(live_server, GUARD))
    context.set_offline(True)
    page.locator('[data-checkpoint="E1"]').click()
    page.locator("[data-checkin] [data-submit]").click()
    toast = page.locator("[data-toast]")
    expect(toast).to_have_attribute("data-kind", "queued")
    expect(toast).to_contain_text("已排队")
    expect(page.locator("[data-outbox-badge]")).to_have_text("待发送 1")
    stored = outbox_items(page)
    assert [item["body"]["checkpoint_id"] for item in stored] == ["E1"]
    assert stored[0]["key"]

    context.set_offline(False)  # the page's `online` listener sends it
    expect(toast).to_have_attribute("data-kind", "ok")
    expect(toast).to_contain_text("E1")
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    assert len(_checkins_by(live_server, GUARD)) == before + 1


def test_expired_session_keeps_item_until_signed_in_again(make_context, live_server):
    context, page = _guard_page(make_context, live_server)
    before = len(_checkins_by(live_server, GUARD))
    context.clear_cookies()  # the session is gone (expired, or signed out elsewhere)
    page.locator('[data-checkpoint="E2"]').click()
    page.locator("[data-checkin] [data-submit]").click()
    prompt = page.locator("[data-signin]")
    expect(prompt).to_be_visible()
    expect(page.locator("[data-outbox-badge]")).to_have_text("待发送 1")

    prompt.locator('input[name="password"]').fill(PASSWORD)
    prompt.locator('button[type="submit"]').click()
    expect(prompt).to_be_hidden()
    expect(page.locator("[data-toast]")).to_contain_text("E2")
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    events = _checkins_by(live_server, GUARD)
    assert len(events) == before + 1
    assert events[0]["data"]["checkpoint_id"] == "E2"


def test_items_left_in_the_old_localstorage_outbox_move_to_indexeddb_and_are_sent(make_context, live_server):
    context, page = _guard_page(make_context, live_server)
    before = len(_checkins_by(live_server, GUARD))
    page.route("**/api/v1/checkins", lambda route: route.abort())  # the old item waits in IndexedDB first
    page.evaluate("""(owner) => localStorage.setItem("gatewatch.outbox.v1", JSON.stringify([{
      key: "0f8c7a52-1111-4c3b-9d2e-5a6b7c8d9e0f", owner, url: "/api/v1/checkins",
      body: { checkpoint_id: "E4", status: "clear", observed_at: new Date().toISOString() },
      label: { kind: "checkin" }, created_at: new Date().toISOString(), attempts: 0, last_error: null }]))""", GUARD)
    page.reload()
    expect(page.locator("[data-outbox-badge]")).to_have_text("待发送 1")
    assert [i["key"] for i in outbox_items(page)] == ["0f8c7a52-1111-4c3b-9d2e-5a6b7c8d9e0f"]
    assert page.evaluate("localStorage.getItem('gatewatch.outbox.v1')") is None

    page.unroute("**/api/v1/checkins")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    events = _checkins_by(live_server, GUARD)
    assert len(events) == before + 1 and events[0]["data"]["checkpoint_id"] == "E4"


def test_a_phone_that_loaded_the_app_once_reopens_it_offline(make_context, live_server):
    """The service worker keeps every static file the page loaded: a reload with no network works."""
    live_server.add_user("offline_reload", "guard", PASSWORD)
    context = make_context(viewport=PHONE, mobile=True)
    sign_in_api(context, "offline_reload")
    page = context.new_page()
    page.goto("/guard")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # The page hands the worker the files it loaded; wait until every one of them is kept.
    kept = """async () => {
        const reg = await navigator.serviceWorker.ready;
        const cache = await caches.open("gatewatch-shell-v1");
        const loaded = performance.getEntriesByType("resource").map((e) => new URL(e.name))
            .filter((u) => u.origin === location.origin && u.pathname.startsWith("/static/"));
        const wanted = ["/static/js/guard.js", "/static/js/guard/checkin.js", "/static/js/outbox.js",
                        "/static/vendor/idb.js", ...loaded.map((u) => u.href)];
        return Boolean(reg.active) && (await Promise.all(wanted.map((u) => cache.match(u)))).every(Boolean);
    }"""
    for _ in range(100):
        if page.evaluate(kept):
            break
        page.wait_for_timeout(200)
    else:
        raise AssertionError("the service worker did not keep the app's modules")
    context.set_offline(True)
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-net]")).to_be_visible()  # says it is offline
    page.locator('a[data-go="checkin"]').click()
    page.locator('[data-checkpoint="E1"]').click()
    page.locator("[data-checkin] [data-submit]").click()
    expect(page.locator("[data-outbox-badge]")).to_be_visible()  # kept for when the network returns
    context.set_offline(False)
