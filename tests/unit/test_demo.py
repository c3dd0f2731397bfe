"""The demo guards really patrol: their check-ins land on the timeline and the patrol board."""
import random

from server import demo, snapshot
from server.auth import User


def test_demo_records_checkins_that_show_on_the_patrol_board(ctx, app):
    """Three demo check-ins become three events and fresh checkpoints."""
    names = demo.ensure_guards(ctx, "demo-password-1")
    demo.ensure_guards(ctx, "demo-password-1")  # a second run reuses the accounts
    done = demo.patrol(ctx, every=0, count=3, rng=random.Random(7), say=lambda line: None)
    assert done == 3
    patrols = snapshot.current(ctx, User("ops", "operator", "Ops"))["sections"]["patrols"]
    rows = [r for r in patrols.values() if r["last_guard"]]
    assert rows and {r["last_guard"] for r in rows} <= set(names)
    events = [e for e in ctx.store.scan_events() if e["type"] == "patrol.checkin"]
    assert len(events) == 3
