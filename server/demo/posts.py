"""Standing posts in the demo day: guards take their posts, the session needs more, a relief hands over.

Through the same API as the phone's *My post* screen. The default venue needs more guards in
session than the demo has, so the wall shows short posts and the watcher's alert, as a real
control room would see on a thin shift.
"""


def _posts(day):
    """Return the venue's posts as the operator reads them."""
    return day.op.get("/posts")["posts"]


def take_posts(day, phase):
    """Put one free guard on each post the phase needs and nobody holds yet; return how many."""
    taken = {g["username"] for p in _posts(day) for g in p["on_duty"]}
    free = [g for g in day.guards if g.username not in taken]
    placed = 0
    for post in _posts(day):
        if post["needed"] <= len(post["on_duty"]) or not free:
            continue
        guard = free.pop(0)
        guard.post(f"/posts/{post['post_id']}/on-duty", {})
        placed += 1
    day.log(f"posts for {phase}: {placed} guards took their posts")
    return placed


def relief(day):
    """Early relief at the first staffed post: the outgoing guard leaves a note, the next reads it."""
    staffed = [p for p in _posts(day) if p["on_duty"]]
    if not staffed:
        return
    post = staffed[0]
    outgoing = next(g for g in day.guards if g.username == post["on_duty"][0]["username"])
    taken = {g["username"] for p in _posts(day) for g in p["on_duty"]}
    incoming = next((g for g in day.guards if g.username not in taken), None)
    if incoming is None:  # everyone stands somewhere: no one to take over
        return
    outgoing.post(f"/posts/{post['post_id']}/off-duty",
                  {"handover": "东侧护栏松动已报修；11:30 有会务车辆进出 / east fence loose, reported; a car at 11:30"})
    answer = incoming.post(f"/posts/{post['post_id']}/on-duty", {})
    day.log(f"relief at {post['post_id']}: {incoming.username} read the handover note "
            f"({'yes' if answer.get('handover') else 'none'})")
