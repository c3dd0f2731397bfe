"""The guard's outbox keeps every promise: refused entries stay until fixed or discarded, a wrong
phone clock loses nothing, one tab sends, coming online sends at once, the app says when it is
ready offline; and the status line goes away and stays on the form it is about."""
import requests
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, outbox_items, shot, sign_in_api

GUARD = "guard_zhou"
READER = "promise_reader"
FAST_CLOCK = """(() => {
  const ahead = 10 * 60 * 1000, Real = Date;
  class PhoneDate extends Real {
    constructor(...args) { if (args.length) super(...args); else super(Real.now() + ahead); }
    static now() { return Real.now() + ahead; }
  }
  globalThis.Date = PhoneDate;
})();"""
# Give the stored item `key` this many failed attempts (a phone that kept trying offline).
SET_ATTEMPTS = """async ([key, attempts]) => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open("gatewatch"); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
  const store = db.transaction("outbox", "readwrite").objectStore("outbox");
  const item = await new Promise((ok) => { const r = store.get(key); r.onsuccess = () => ok(r.result); });
  await new Promise((ok) => { const r = store.put({ ...item, attempts }); r.onsuccess = ok; });
  db.close();
}"""


def _checkins(live_server, checkpoint=None):
    """Return the patrol.checkin events this module's guard stored (newest first)."""
    answer = requests.get(live_server.url + "/api/v1/events", timeout=10,
                          params={"type": "patrol.checkin", "actor": GUARD, "limit": 200},
                          headers={"Authorization": f"Bearer {live_server.token(READER)}"})
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["events"] if checkpoint in (None, e["data"]["checkpoint_id"])]


def _phone(make_context, live_server, view="checkin", lang="zh-CN", init=None, context=None):
    """Open the guard app on a phone (a new context unless one is given) at view."""
    live_server.add_user(GUARD, "guard", PASSWORD, display_name="周七")
    live_server.add_user(READER, "operator", PASSWORD)
    if context is None:
        context = make_context(viewport=PHONE, mobile=True, lang=lang)
        if init:
            context.add_init_script(init)
        sign_in_api(context, GUARD)
    page = context.new_page()
    page.goto(f"/guard#{view}" if view != "home" else "/guard")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return context, page


def _check_in(page, checkpoint):
    page.locator(f'[data-checkpoint="{checkpoint}"]').click()
    page.locator("[data-checkin] [data-submit]").click()


def test_saved_message_goes_after_its_timeout_and_never_shows_on_another_form(make_context, live_server):
    context, page = _phone(make_context, live_server)
    toast = page.locator("[data-toast]")
    _check_in(page, "E1")
    expect(toast).to_contain_text("已保存 ✓ E1")
    expect(toast).to_be_hidden()  # gone by itself a few seconds later

    # Queued offline on the check-in form, sent while the guard fills the incident form.
    context.set_offline(True)
    _check_in(page, "E2")
    expect(toast).to_contain_text("已排队")
    page.locator('[data-view="checkin"] [data-go="home"]').click()
    page.locator('.g-home [data-go="incident"]').click()
    expect(page.locator("[data-incident]")).to_be_visible()
    expect(toast).to_be_hidden()  # the check-in's line is not shown on the incident form
    context.set_offline(False)
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()  # sent meanwhile
    assert len(_checkins(live_server, "E2")) == 1
    expect(toast).to_be_hidden()  # its "saved" did not appear on the incident form

    page.locator('[data-view="incident"] [data-go="home"]').click()
    page.locator('.g-home [data-go="checkin"]').click()
    _check_in(page, "E1")
    expect(toast).to_have_attribute("data-kind", "ok")
    page.locator("#note").fill("x")  # the next input: the confirmation goes
    expect(toast).to_be_hidden()


def test_a_refused_item_is_kept_with_its_reason_then_fixed_and_sent_once(make_context, live_server):
    context, page = _phone(make_context, live_server)
    before = len(_checkins(live_server, "E4"))
    # An entry written by an older app: an issue without a note, which the server refuses.
    page.evaluate("""(owner) => localStorage.setItem("gatewatch.outbox.v1", JSON.stringify([{
      key: "5b1d9e0a-2222-4c3b-9d2e-5a6b7c8d9e0f", owner, url: "/api/v1/checkins",
      body: { checkpoint_id: "E4", status: "issue", observed_at: new Date().toISOString() },
      label: { kind: "checkin" }, created_at: new Date().toISOString(), attempts: 0, last_error: null }]))""", GUARD)
    page.reload()
    panel = page.locator("[data-refused-panel]")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("E4")
    expect(panel).to_contain_text("请描述发现的问题")  # the server's reason, in the guard's language
    expect(page.locator("[data-refused-badge]")).to_have_text("未被接受 1")
    shot(page, "guard-refused-zh-CN")
    stored = outbox_items(page)
    assert [(i["body"]["checkpoint_id"], i["state"]) for i in stored] == [("E4", "refused")]

    page.reload()  # kept on the phone, not only on screen
    expect(panel).to_contain_text("E4")
    panel.locator('[data-action="fix"]').click()
    form = page.locator("[data-checkin]")
    expect(form).to_be_visible()
    expect(form.locator('[data-checkpoint="E4"] input')).to_be_checked()
    expect(form.locator('[data-error-for="note"]')).to_contain_text("请描述发现的问题")
    page.locator("#note").fill("西门栏杆损坏")
    form.locator("[data-submit]").click()
    expect(page.locator("[data-toast]")).to_contain_text("E4")
    expect(panel).to_be_hidden()
    assert outbox_items(page) == []
    events = _checkins(live_server, "E4")
    assert len(events) == before + 1
    assert events[0]["data"]["note"] == "西门栏杆损坏"


def test_a_refused_item_is_listed_in_english_with_the_server_reason_in_english(make_context, live_server):
    context, page = _phone(make_context, live_server, lang="en")
    page.evaluate("""(owner) => localStorage.setItem("gatewatch.outbox.v1", JSON.stringify([{
      key: "9d3f1a2c-4444-4c3b-9d2e-5a6b7c8d9e0f", owner, url: "/api/v1/checkins",
      body: { checkpoint_id: "C2", status: "issue", observed_at: new Date().toISOString() },
      label: { kind: "checkin" }, created_at: new Date().toISOString(), attempts: 0, last_error: null }]))""", GUARD)
    page.goto("/guard?lang=en#checkin")
    panel = page.locator("[data-refused-panel]")
    expect(panel).to_contain_text("Not accepted by the server")
    expect(panel).to_contain_text("C2")
    expect(panel).to_contain_text("describe the issue")
    expect(panel.locator('[data-action="fix"]')).to_have_text("Fix")
    shot(page, "guard-refused-en")
    page.once("dialog", lambda d: d.accept())
    panel.locator('[data-action="discard"]').click()
    expect(panel).to_be_hidden()


def test_a_refused_item_is_discarded_only_after_confirming(make_context, live_server):
    context, page = _phone(make_context, live_server)
    page.evaluate("""(owner) => localStorage.setItem("gatewatch.outbox.v1", JSON.stringify([{
      key: "7c2e0f1b-3333-4c3b-9d2e-5a6b7c8d9e0f", owner, url: "/api/v1/checkins",
      body: { checkpoint_id: "E5", status: "issue", observed_at: new Date().toISOString() },
      label: { kind: "checkin" }, created_at: new Date().toISOString(), attempts: 0, last_error: null }]))""", GUARD)
    page.reload()
    panel = page.locator("[data-refused-panel]")
    expect(panel).to_contain_text("E5")
    page.once("dialog", lambda d: d.dismiss())
    panel.locator('[data-action="discard"]').click()
    expect(panel).to_contain_text("E5")  # "no" keeps it
    assert len(outbox_items(page)) == 1
    page.once("dialog", lambda d: d.accept())
    panel.locator('[data-action="discard"]').click()
    expect(panel).to_be_hidden()
    assert outbox_items(page) == []


def test_a_phone_clock_ten_minutes_fast_loses_nothing_offline(make_context, live_server):
    context, page = _phone(make_context, live_server, init=FAST_CLOCK)
    # The heartbeat's server_time has been heard: the phone knows it runs about 10 minutes fast.
    for _ in range(150):  # (the page's CSP forbids wait_for_function's eval)
        if page.evaluate("() => Number(localStorage.getItem('gatewatch.clock.offset')) < -9 * 60 * 1000"):
            break
        page.wait_for_timeout(200)
    else:
        raise AssertionError("the phone never heard the server's clock")
    before = len(_checkins(live_server, "C1"))
    context.set_offline(True)
    _check_in(page, "C1")
    expect(page.locator("[data-toast]")).to_contain_text("已排队")
    context.set_offline(False)
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    expect(page.locator("[data-refused-panel]")).to_be_hidden()
    events = _checkins(live_server, "C1")
    assert len(events) == before + 1
    # Recorded at the moment it was seen, on the server's clock (not clamped from 10 minutes ahead).
    assert events[0]["observed_at"] <= events[0]["ts"]


def test_two_tabs_of_one_guard_send_each_queued_item_once(make_context, live_server):
    context, first = _phone(make_context, live_server)
    _, second = _phone(make_context, live_server, context=context)
    posted = []
    context.on("request", lambda r: posted.append(r.headers.get("idempotency-key"))
               if r.method == "POST" and r.url.endswith("/api/v1/checkins") else None)
    before = {cp: len(_checkins(live_server, cp)) for cp in ("E1", "E2", "E3")}
    context.set_offline(True)
    for cp in ("E1", "E2", "E3"):
        _check_in(first, cp)
        expect(first.locator("[data-checkin] [data-submit]")).to_be_enabled()
    expect(second.locator("[data-outbox-badge]")).to_have_text("待发送 3")
    context.set_offline(False)  # both tabs hear `online` and flush
    expect(first.locator("[data-outbox-badge]")).to_be_hidden()
    expect(second.locator("[data-outbox-badge]")).to_be_hidden()
    assert {cp: len(_checkins(live_server, cp)) - before[cp] for cp in before} == {"E1": 1, "E2": 1, "E3": 1}
    assert len(posted) == 3 and len(set(posted)) == 3, posted  # no item sent by both tabs


def test_coming_online_resets_the_back_off(make_context, live_server):
    context, page = _phone(make_context, live_server)
    before = len(_checkins(live_server, "E5"))
    context.set_offline(True)
    _check_in(page, "E5")
    expect(page.locator("[data-outbox-badge]")).to_have_text("待发送 1")
    key = outbox_items(page)[0]["key"]
    page.evaluate(SET_ATTEMPTS, [key, 12])  # many tries while the network was away
    calls = []

    def first_fails(route):
        calls.append(route.request.url)
        if len(calls) == 1:
            route.abort()  # the network comes up a moment after the phone says online
        else:
            route.continue_()
    page.route("**/api/v1/checkins", first_fails)
    context.set_offline(False)
    # Sent after a short retry — not after the minute twelve failures would make it wait.
    expect(page.locator("[data-outbox-badge]")).to_be_hidden(timeout=12000)
    assert len(_checkins(live_server, "E5")) == before + 1


def test_the_home_screen_says_when_the_app_is_ready_offline(make_context, live_server):
    context, page = _phone(make_context, live_server, view="home")
    ready = page.locator("[data-offline-ready]")
    expect(ready).to_have_attribute("data-state", "ready")
    expect(ready).to_contain_text("可离线使用")
    context.set_offline(True)
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # The styles came from the worker's cache too: the main tile is drawn, not a bare link.
    assert page.locator(".g-tile.primary").evaluate("e => getComputedStyle(e).borderRadius") == "16px"
    context.set_offline(False)
