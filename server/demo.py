"""A demonstration: guards patrolling the venue, so a new control room has something to show."""
import random
import threading
import uuid

from server.patrols import service as patrols
from server.auth import users
from server.errors import Conflict
from server.store import Idempotency

DEMO_GUARDS = (("demo-zhang", "张伟"), ("demo-li", "李娜"), ("demo-wang", "王强"))


def ensure_guards(ctx, password):
    """Create the demo guards if missing; return their usernames."""
    for username, display in DEMO_GUARDS:
        try:
            users.add_user(ctx, actor={"username": "demo", "role": "admin"}, username=username,
                           role="guard", password=password, display_name=display)
        except Conflict:
            pass  # already there from an earlier demo
    return [u for u, _ in DEMO_GUARDS]


def patrol(ctx, *, every, count, stop=None, rng=None, say=print):
    """Record `count` check-ins (0 = until stopped), one every `every` seconds."""
    rng = rng or random.Random()
    stop = stop or threading.Event()
    checkpoints = [cp.id for cp in ctx.venue.checkpoints]
    done = 0
    while not stop.is_set() and (count == 0 or done < count):
        guard = rng.choice(DEMO_GUARDS)[0]
        checkpoint = rng.choice(checkpoints)
        issue = rng.random() < 0.08
        committed = patrols.record_checkin(
            ctx, actor={"username": guard, "role": "guard"}, checkpoint_id=checkpoint,
            status="issue" if issue else "clear", note="门禁读卡器无响应 / badge reader not responding" if issue else None,
            idem=Idempotency(scope=guard, key=f"demo-{uuid.uuid4().hex}", request_hash="demo"))
        say(f"{committed.ids[0]}  {guard:<11} {checkpoint:<4} {'issue' if issue else 'clear'}")
        done += 1
        stop.wait(every)
    return done
