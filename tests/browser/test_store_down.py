"""The wall screen when the event store goes away: it says 'degraded' within 10 s, then recovers."""
from playwright.sync_api import expect

from support import LiveServer, RedisServer

from .pw_helpers import PASSWORD, new_context, sign_in_api


def test_control_shows_degraded_while_redis_is_down_and_recovers(browser, tmp_path):
    """kill -9 of Redis: heartbeats keep coming, but they say the store is unreachable."""
    redis = RedisServer().start()
    server = LiveServer(redis, tmp_path, env={"GATEWATCH_HEARTBEAT_SECONDS": "1"}).start()
    context = None
    try:
        server.add_user("op_store", "operator", PASSWORD)
        guard = server.token(server.add_user("g_store", "guard", PASSWORD))
        context = new_context(browser, server)
        sign_in_api(context, "op_store")
        wall = context.new_page()
        wall.goto("/control")
        pill = wall.locator("[data-conn]")
        expect(pill).to_have_attribute("data-state", "live")

        redis.kill()
        expect(pill).to_have_attribute("data-state", "degraded", timeout=10000)

        redis.start()  # same data directory and socket: the tailer reconnects by itself
        expect(pill).to_have_attribute("data-state", "live", timeout=20000)
        event = server.post("/api/v1/checkins", guard, {"checkpoint_id": "E2", "status": "clear"}).json()["event"]
        expect(wall.locator(f'[data-feed] li[data-id="{event["id"]}"]')).to_have_count(1)
    finally:
        if context:
            context.close()
        server.stop()
        redis.stop()
