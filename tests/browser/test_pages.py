"""Page access by role, and the display account's read-only wall."""
import datetime as dt

import requests
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, sign_in_api


def _session(live_server, username):
    """Return a requests session signed in as username."""
    s = requests.Session()
    answer = s.post(live_server.url + "/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return s


def test_pages_redirect_to_sign_in_and_refuse_wrong_roles(live_server):
    live_server.add_user("pages_guard", "guard", PASSWORD)
    anonymous = requests.get(live_server.url + "/control", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302
    assert "/login?next=" in anonymous.headers["Location"]
    guard = _session(live_server, "pages_guard")
    assert guard.get(live_server.url + "/control", timeout=10).status_code == 403
    assert guard.get(live_server.url + "/admin", timeout=10).status_code == 403
    home = guard.get(live_server.url + "/", allow_redirects=False, timeout=10)
    assert home.headers["Location"].endswith("/guard")
    page = guard.get(live_server.url + "/guard", timeout=10)
    assert page.status_code == 200
    assert 'name="csrf-token"' in page.text
    assert "https://" not in page.text and "http://" not in page.text.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_display_account_sees_the_wall_without_buttons(make_context, live_server):
    live_server.add_user("wall", "display", PASSWORD)
    live_server.add_user("pages_guard", "guard", PASSWORD)
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=50)).isoformat()
    answer = live_server.post("/api/v1/checkins", live_server.token("pages_guard"),
                              {"checkpoint_id": "E4", "status": "clear", "observed_at": old})
    assert answer.status_code == 201, answer.text
    context = make_context()
    sign_in_api(context, "wall")
    page = context.new_page()
    page.goto("/control")
    expect(page.locator("[data-conn]")).to_have_attribute("data-state", "live")
    expect(page.locator("[data-marker]")).to_have_count(len(live_server.ctx.venue.to_public()["checkpoints"]))
    expect(page.locator("[data-marker].entrance")).to_have_count(5)
    alert = page.locator('[data-alerts] li[data-kind="patrol_overdue"]')
    expect(alert.first).to_contain_text("E4")  # raised by the server's watcher
    expect(page.locator("[data-ack]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
