"""/command/audit: a commander reads the chained log in Chinese and in English; guards cannot."""
import os
import pathlib

import pytest
import requests
from playwright.sync_api import expect

from server.audit import service as audit
from .pw_helpers import PASSWORD, sign_in_api

# Set GATEWATCH_SCREENSHOTS=dir to keep the page in both languages for a look.
SHOTS = os.environ.get("GATEWATCH_SCREENSHOTS")


@pytest.mark.parametrize("lang, title, action", [("zh-CN", "审计日志", "越过就绪检查强制切换阶段"),
                                                 ("en", "Audit log", "Changed the phase overriding the readiness gate")])
def test_a_commander_reads_the_chain_with_its_head(make_context, live_server, lang, title, action):
    live_server.add_user("audit_chief", "commander", PASSWORD)
    token = live_server.token("audit_chief")
    answer = live_server.post("/api/v1/phase", token, {"phase": "in_session", "override_reason": "演练 drill"})
    assert answer.status_code in (201, 409), answer.text  # 409: already in session (the other language's run)
    audit.record_action(live_server.ctx, actor={"username": "cli", "role": "admin"}, action="archive.export",
                        subject="venue-2026-12-03.jsonl", detail={"os_user": "ops"})
    head = audit.chain_head(live_server.ctx)
    context = make_context(lang=lang)
    sign_in_api(context, "audit_chief")
    page = context.new_page()
    page.goto("/command/audit")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("[data-head-hash]")).to_have_text(head["hash"])
    expect(page.locator(f'[data-entry="{head["seq"]}"]')).to_contain_text("venue-2026-12-03.jsonl")
    expect(page.locator('tr[data-action="phase.override"]').first).to_contain_text(action)
    expect(page.locator('[data-action="phase.override"]').first).to_contain_text("演练 drill")
    if SHOTS:
        page.screenshot(path=str(pathlib.Path(SHOTS) / f"audit-{lang}.png"), full_page=True)


def test_a_guard_is_refused(live_server):
    live_server.add_user("audit_guard", "guard", PASSWORD)
    s = requests.Session()
    assert s.post(live_server.url + "/api/v1/auth/login",
                  json={"username": "audit_guard", "password": PASSWORD}).status_code == 200
    assert s.get(live_server.url + "/command/audit", timeout=10).status_code == 403
    assert s.get(live_server.url + "/api/v1/audit", timeout=10).status_code == 403
