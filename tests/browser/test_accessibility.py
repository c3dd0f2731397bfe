"""axe-core on every page, in both languages: no critical or serious violation on Gatewatch's pages.

The pages come from the Flask URL map (every GET route outside /api/v1 and /static that answers
HTML), so a new page is covered without editing this file; a route with a URL argument needs a
sample value in SAMPLES (the test fails and says so). The guard's phone app is checked on every
screen (each `[data-view]`), error pages by a 404 and a 403. axe-core is the pinned npm package
vendored by scripts/build_assets.mjs (static/vendor/axe-core), injected from the page's own origin.

Run it alone: CHROMIUM=/usr/bin/chromium .venv/bin/python -m pytest -q tests/browser/test_accessibility.py
"""
import os
import pathlib

import pytest
import requests

from .pw_helpers import PASSWORD, PHONE, WALL, sign_in_api

AXE = "/static/vendor/axe-core/axe.min.js"
SHOTS = pathlib.Path(os.environ.get("GATEWATCH_SHOTS", "/tmp/gate-shots"))
ROOT = pathlib.Path(__file__).resolve().parents[2]
LANGS = ("zh-CN", "en")
DESK = {"width": 1440, "height": 900}
BLOCKING = ("critical", "serious")
# The vendored Swagger UI (/api/docs) is not our markup: its violations are excepted rule by rule,
# only on nodes inside #swagger-ui (Gatewatch's header and notices on the page must be clean).
# Counted with swagger-ui-dist 5.35.0 + axe-core 4.14.1 over 54 API operations: color-contrast 56
# nodes (each operation's method badge, the version stamp, the Authorize button) and
# nested-interactive 54 (each operation's summary row). Recorded per operation + fixed, so a new
# API route keeps the test green but a change in the UI or in axe shows up.
EXCEPTIONS = {"/api/docs": {"color-contrast": (1, 2), "nested-interactive": (1, 0)}}
# Who opens a page: the least privileged role that may (the page as its usual reader sees it).
READER = {"/guard": "a11y_guard", "/control": "a11y_wall", "/admin": "a11y_admin", "/login": None}
VIEWPORT = {"/guard": PHONE, "/control": WALL}


def _run_axe(page):
    """Inject axe-core from the server and return the critical and serious violations."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(url=AXE)
    found = page.evaluate("""async () => {
      const result = await axe.run(document, { resultTypes: ["violations"] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), why: n.failureSummary,
          vendored: !!document.querySelector(n.target[0])?.closest("#swagger-ui") })) }));
    }""")
    return [v for v in found if v["impact"] in BLOCKING]


def _describe(violations):
    """Return a readable list of violations for an assertion message."""
    return "\n".join(f"  {v['impact']} {v['id']} ({v['help']}): " +
                     "; ".join(f"{n['target']} — {n['why']}" for n in v["nodes"][:4]) for v in violations)


def _settle(page):
    """Wait until the page has loaded its data (live sockets do not count as network activity)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")


@pytest.fixture(scope="module")
def site(live_server):
    """Users of every role and a little of everything (a check-in, a visitor, an incident)."""
    for name, role in (("a11y_guard", "guard"), ("a11y_wall", "display"), ("a11y_cmd", "commander"),
                       ("a11y_admin", "admin")):
        live_server.add_user(name, role, PASSWORD, display_name=f"无障碍{role}")
    token = live_server.token("a11y_guard")
    assert live_server.post("/api/v1/checkins", token, {"checkpoint_id": "E1", "status": "clear"}).status_code == 201
    answer = live_server.post("/api/v1/incidents", token, {"category": "fire_smoke", "severity": 1,
                                                           "location_id": "E2", "description": "烟雾 smoke"})
    assert answer.status_code == 201, answer.text
    incident = answer.json()["incident"]["incident_id"]
    # The guard's tasks: an assignment, a message still to acknowledge and one acknowledged.
    cmd = live_server.token("a11y_cmd")
    for action in ({"action": "acknowledge"}, {"action": "assign", "assignee": "a11y_guard", "note": "疏导 guide"}):
        assert live_server.post(f"/api/v1/incidents/{incident}/actions", cmd, action).status_code == 200
    for text in ("E2 东门 18:00 关闭 Gate E2 closes at 18:00", "注意 Note"):
        sent = live_server.post("/api/v1/broadcasts", cmd, {"text": text, "to": "username", "username": "a11y_guard"})
        assert sent.status_code == 201, sent.text
    done = live_server.post(f"/api/v1/broadcasts/{sent.json()['broadcast']['broadcast_id']}/acknowledge", token, {})
    assert done.status_code in (200, 201), done.text
    return {"incident_id": incident}


def page_paths(live_server, samples):
    """Return every HTML page's path from the app's URL map (arguments filled from samples)."""
    from server import create_app
    app = create_app({"TESTING": True}, ctx=live_server.ctx)
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/v1", "/static")):
            continue
        missing = set(rule.arguments) - set(samples)
        assert not missing, f"{rule.rule}: add a sample value for {missing} to the accessibility test"
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", samples[name])
        answer = requests.get(live_server.url + path, allow_redirects=False, timeout=10,
                              cookies=_cookies(live_server))
        if answer.headers.get("Content-Type", "").startswith("text/html"):
            paths.append(path)
    return sorted(set(paths))


def _cookies(live_server, username="a11y_admin"):
    """Return a signed-in session's cookies (to tell HTML pages from the rest)."""
    session = requests.Session()
    assert session.post(live_server.url + "/api/v1/auth/login",
                        json={"username": username, "password": PASSWORD}, timeout=10).ok
    return session.cookies


def _open(make_context, path, lang, username):
    """Open path in lang as username (None: signed out) and return the settled page."""
    context = make_context(lang=lang, viewport=VIEWPORT.get(path, DESK), mobile=path == "/guard")
    if username:
        sign_in_api(context, username)
    page = context.new_page()
    page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    _settle(page)
    return page


def _reader(path):
    """Return who opens path: its READER, else a commander."""
    return READER.get(path, "a11y_cmd")


def test_the_page_list_comes_from_the_url_map_and_covers_every_screen(live_server, site):
    paths = page_paths(live_server, {"incident_id": site["incident_id"]})
    for expected in ("/login", "/guard", "/control", "/command", "/command/visitors", "/command/incidents",
                     "/command/roll-call", "/admin", "/api/docs", f"/command/incidents/{site['incident_id']}"):
        assert expected in paths, paths


@pytest.mark.parametrize("lang", LANGS)
def test_no_critical_or_serious_violation_on_any_page(make_context, live_server, site, lang):
    failures, counted = [], {}
    for path in page_paths(live_server, {"incident_id": site["incident_id"]}):
        if path == "/":
            continue  # a redirect to the reader's home, covered by that page
        page = _open(make_context, path, lang, _reader(path))
        if path.startswith("/command"):  # the desk pages as checked, to look at (1440×900)
            SHOTS.mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "-")[:40]
            page.screenshot(path=str(SHOTS / f"a11y-{name}-{lang}.png"), full_page=True)
        found = _run_axe(page)
        if path in EXCEPTIONS:  # only the vendored part of the page is excepted, rule by rule
            operations = page.locator("#swagger-ui .opblock").count()
            counted[path] = ({v["id"]: len(v["nodes"]) for v in found},
                             {rule: per * operations + fixed for rule, (per, fixed) in EXCEPTIONS[path].items()})
            found = [v for v in found if v["id"] not in EXCEPTIONS[path]
                     or not all(n["vendored"] for n in v["nodes"])]
        if found:
            failures.append(f"{path} [{lang}]\n{_describe(found)}")
        page.context.close()
    assert not failures, "axe-core found critical/serious violations:\n" + "\n".join(failures)
    for path, (counts, recorded) in counted.items():  # a rule fixed upstream, or a new one, shows up here
        assert counts == recorded, f"{path} [{lang}]: axe counts {counts}, recorded {recorded}; update EXCEPTIONS"


@pytest.mark.parametrize("lang", LANGS)
def test_every_screen_of_the_phone_app_and_the_error_pages(make_context, live_server, site, lang):
    failures = []
    context = make_context(lang=lang, viewport=PHONE, mobile=True)
    sign_in_api(context, "a11y_guard")
    page = context.new_page()
    with page.expect_websocket() as opened:
        page.goto(f"/guard?lang={lang}")
    # Socket.IO's "connected to /live" packet: from now on a new message arrives live.
    opened.value.wait_for_event("framereceived", lambda frame: str(frame).startswith("40/live"))
    _settle(page)
    page.locator("[data-tasks-count]").wait_for()  # the tasks to acknowledge are counted
    # A message arriving live raises the banner over the home screen: checked too.
    sent = live_server.post("/api/v1/broadcasts", live_server.token("a11y_cmd"),
                            {"text": f"请回复 {lang}", "to": "username", "username": "a11y_guard"})
    assert sent.status_code == 201, sent.text
    page.locator("[data-tasks-banner]").wait_for()
    found = _run_axe(page)
    if found:
        failures.append(f"/guard with the message banner [{lang}]\n{_describe(found)}")
    views = page.eval_on_selector_all("[data-view]", "els => els.map((e) => e.dataset.view)")
    assert "tasks" in views and "checkin" in views, views
    for view in views:
        page.evaluate("(v) => { location.hash = v === 'home' ? '' : v; }", view)
        page.wait_for_function("(v) => !document.querySelector(`[data-view='${v}']`).hidden", arg=view)
        _settle(page)
        found = _run_axe(page)
        if found:
            failures.append(f"/guard#{view} [{lang}]\n{_describe(found)}")
    # Error pages: a page that does not exist, and one the role may not open.
    for path, username in (("/no-such-page", "a11y_cmd"), ("/command", "a11y_guard")):
        error = _open(make_context, path, lang, username)
        found = _run_axe(error)
        if found:
            failures.append(f"{path} as {username} [{lang}]\n{_describe(found)}")
    assert not failures, "axe-core found critical/serious violations:\n" + "\n".join(failures)
