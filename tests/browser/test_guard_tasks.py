"""The guard's tasks on the phone: a broadcast and an assignment arrive live, are acknowledged
through the outbox, and the control room sees who acknowledged."""
import os
import pathlib

import pytest
import requests
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, sign_in_api

OPERATOR = "tasks_op"
# Set GATEWATCH_SCREENSHOTS=dir to keep the phone's screens for a look.
SHOTS = os.environ.get("GATEWATCH_SCREENSHOTS")


def shot(page, name):
    """Keep a screenshot of the phone when asked to."""
    if SHOTS:
        page.screenshot(path=str(pathlib.Path(SHOTS) / f"{name}.png"))


def post(server, who, path, body, status):
    """POST as a user (device token); return the answer's body."""
    answer = server.post(path, server.token(who), body)
    assert answer.status_code == status, answer.text
    return answer.json()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_broadcast_and_assignment_arrive_live_and_are_acknowledged(make_context, live_server, lang):
    guard = f"tasks_g_{lang[:2]}"
    live_server.add_user(guard, "guard", PASSWORD, display_name="王五" if lang == "zh-CN" else "Wang Wu")
    live_server.add_user(OPERATOR, "operator", PASSWORD)
    context = make_context(viewport=PHONE, mobile=True, lang=lang)
    sign_in_api(context, guard)
    phone = context.new_page()
    phone.goto("/guard")
    expect(phone.locator("body")).to_have_attribute("data-ready", "true")
    expect(phone.locator("[data-tasks-count]")).to_be_hidden()
    phone.wait_for_timeout(500)  # the live socket connects after the first load

    sent = post(live_server, OPERATOR, "/api/v1/broadcasts",
                {"text": "E2 东门 18:00 关闭" if lang == "zh-CN" else "Gate E2 closes at 18:00",
                 "to": "username", "username": guard}, 201)
    banner = phone.locator("[data-tasks-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(sent["broadcast"]["text"])
    expect(phone.locator("[data-tasks-count]")).to_contain_text("1")

    iid = post(live_server, OPERATOR, "/api/v1/incidents", {"category": "crowd_disturbance", "location_id": "E2",
                                                             "description": "queue pushing at the gate"},
               201)["incident"]["incident_id"]
    post(live_server, OPERATOR, f"/api/v1/incidents/{iid}/actions", {"action": "acknowledge"}, 200)
    note = "带两名队员疏导排队" if lang == "zh-CN" else "take two guards"
    post(live_server, OPERATOR, f"/api/v1/incidents/{iid}/actions",
         {"action": "assign", "assignee": guard, "note": note}, 200)
    expect(banner).to_contain_text("E2")
    expect(phone.locator("[data-tasks-count]")).to_contain_text("2")
    shot(phone, f"tasks-home-{lang}")

    phone.locator("[data-tasks-banner-open]").click()
    expect(phone.locator("[data-tasks]")).to_be_visible()
    expect(banner).to_be_hidden()
    card = phone.locator(f'[data-incident="{iid}"]')
    expect(card).to_contain_text("E2")
    expect(card).to_contain_text("疏导" if lang == "zh-CN" else "take two guards")
    shot(phone, f"tasks-screen-{lang}")

    message = phone.locator(f'[data-broadcast="{sent["broadcast"]["broadcast_id"]}"]')
    message.locator("[data-ack]").click()
    expect(phone.locator("[data-toast]")).to_have_attribute("data-kind", "ok")
    expect(message).to_have_attribute("data-done", "")
    card.locator("[data-ack]").click()
    expect(card).to_have_attribute("data-done", "")
    expect(phone.locator("[data-tasks-count]")).to_be_hidden()
    expect(phone.locator("[data-outbox-badge]")).to_be_hidden()
    shot(phone, f"tasks-done-{lang}")

    listed = requests.get(live_server.url + "/api/v1/broadcasts", timeout=5,
                          headers={"Authorization": f"Bearer {live_server.token(OPERATOR)}"}).json()["broadcasts"]
    row = next(b for b in listed if b["broadcast_id"] == sent["broadcast"]["broadcast_id"])
    assert [a["username"] for a in row["acknowledgements"]] == [guard]
    incident = requests.get(f"{live_server.url}/api/v1/incidents/{iid}", timeout=5,
                            headers={"Authorization": f"Bearer {live_server.token(OPERATOR)}"}).json()["incident"]
    assert incident["assignee"] == guard and incident["assignment_accepted_at"]
