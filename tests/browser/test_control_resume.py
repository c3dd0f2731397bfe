"""The wall screen after a network drop: it says so, then resumes from its cursor, no reload."""
from playwright.sync_api import expect

from support import LiveServer

from .pw_helpers import PASSWORD, new_context, sign_in_api


def test_control_screen_shows_the_drop_and_resumes_without_gaps(browser, live_redis, tmp_path):
    """Server gone: the pill leaves 'live'; back: the check-ins made meanwhile appear, once."""
    server = LiveServer(live_redis, tmp_path).start()
    context = None
    try:
        server.add_user("op_wall", "operator", PASSWORD)
        server.add_user("g_wall", "guard", PASSWORD, display_name="王五")
        guard = server.token("g_wall")
        context = new_context(browser, server)
        sign_in_api(context, "op_wall")
        wall = context.new_page()
        wall.goto("/control")
        pill = wall.locator("[data-conn]")
        expect(pill).to_have_attribute("data-state", "live")
        wall.evaluate("window.__noReload = true")

        first = server.post("/api/v1/checkins", guard, {"checkpoint_id": "E1", "status": "clear"}).json()
        expect(wall.locator(f'[data-feed] li[data-id="{first["event"]["id"]}"]')).to_have_count(1)

        server.stop()  # the network drops: the screen must not look live
        expect(pill).not_to_have_attribute("data-state", "live")

        # Facts keep happening while the screen is cut off (another process records them).
        from server.patrols import service as patrols
        missed = [patrols.record_checkin(server.ctx, actor={"username": "g_wall", "role": "guard"},
                                         checkpoint_id=cp, status="clear").ids[0] for cp in ("E2", "E4", "E5")]

        server.start()  # same port: socket.io-client reconnects with auth.since = its cursor
        expect(pill).to_have_attribute("data-state", "live", timeout=30000)
        for event_id in missed:
            expect(wall.locator(f'[data-feed] li[data-id="{event_id}"]')).to_have_count(1)
        expect(wall.locator('[data-marker="E5"]')).to_have_attribute("data-status", "fresh")
        assert wall.evaluate("window.__noReload") is True  # resumed in place
    finally:
        if context:
            context.close()
        server.stop()
