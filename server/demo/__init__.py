"""`gatewatch demo`: a simulated congress day driven through the public HTTP API of a running server.

Only the demo administrator is made here the way `gatewatch users add` makes one (someone must
be able to sign in first); everything else — the other accounts, every check-in, visitor, car,
incident and phase change — goes through the same HTTP API the pages use, as several guards, an
operator, a commander and that administrator, each signed in with a real login.
"""
import datetime as dt
import sys
import threading
import time
from zoneinfo import ZoneInfo

import requests

from server.demo import meeting, people, posts
from server.demo.client import DemoError, Person
from server.demo.clock import Clock
from server.demo.day import Day

READY_WAIT_SECONDS = 60


def ensure_admin(password):
    """Create the demo administrator (or set its password); return (venue id, signer of codes)."""
    from server.app import build_context
    from server.auth import users
    from server.config import load_settings
    from server.errors import Conflict
    from server.patrols import codes

    settings = load_settings()
    ctx = build_context(settings)
    try:
        actor = {"username": "cli", "role": "admin"}
        try:
            users.add_user(ctx, actor=actor, username=people.ADMIN[0], role="admin", password=password,
                           display_name=people.ADMIN[1])
        except Conflict:
            users.reset_password(ctx, actor=actor, username=people.ADMIN[0], password=password)
        venue = ctx.venue
    finally:
        if ctx.embedded:
            ctx.embedded.stop()
    # The guards scan the codes printed on the sheets: the same signed payloads (same key file).
    return venue, lambda checkpoint: codes.sign(settings, venue.id, checkpoint)


def accounts(base, password, verify):
    """The administrator creates the day's accounts over the API; return the signed-in cast."""
    admin = Person(base, people.ADMIN[0], password, verify=verify).login()
    cast = {"guards": [], "admin": admin}
    for (username, display), role in [*((g, "guard") for g in people.GUARDS), (people.OPERATOR, "operator"),
                                      (people.COMMANDER, "commander")]:
        status, _ = admin.call("POST", "/users", json={"username": username, "role": role, "password": password,
                                                        "display_name": display}, ok=(201, 409))
        if status == 409:  # from an earlier demo: same password again, enabled
            admin.call("POST", f"/users/{username}/password", json={"password": password})
            admin.call("POST", f"/users/{username}/enable", json={}, ok=(200, 201, 409))
        person = Person(base, username, password, verify=verify).login()
        if role == "guard":
            cast["guards"].append(person)
        else:
            cast[role] = person
    return cast


def staff_changes(cast, password):
    """A guard's phone is lost: the administrator disables the account, then enables it with a new password."""
    admin, guard = cast["admin"], cast["guards"][-1]
    admin.call("POST", f"/users/{guard.username}/disable", json={}, ok=(200, 201, 409))
    admin.call("POST", f"/users/{guard.username}/enable", json={}, ok=(200, 201, 409))
    admin.call("POST", f"/users/{guard.username}/password", json={"password": password})
    guard.login()


def wait_ready(base, verify, stop):
    """Wait until the server answers /readyz (make demo starts it alongside)."""
    deadline = time.monotonic() + READY_WAIT_SECONDS
    while time.monotonic() < deadline and not stop.is_set():
        try:
            if requests.get(f"{base}/readyz", timeout=2, verify=verify).status_code == 200:
                return
        except requests.RequestException:
            pass
        stop.wait(0.5)
    raise DemoError(f"no Gatewatch server answers at {base} (start one with `gatewatch serve`)")


def run_day(base, *, speed=60.0, password="demo-guard-2026", verify=True, seed=None, say=print, stop=None):
    """Play the whole day; return the Day (its story was printed through say)."""
    stop = stop or threading.Event()
    wait_ready(base, verify, stop)
    venue, sign = ensure_admin(password)
    cast = accounts(base, password, verify)
    clock = Clock(speed, stop=stop)
    day = Day(cast, clock, people.rng_for(seed), sign_code=sign, say=say)
    today = dt.datetime.now(ZoneInfo(venue.timezone)).date().isoformat()
    say(f"demo day at {base}: {len(cast['guards'])} guards, an operator, a commander; "
        f"speed ×{speed:g} (password {password})")
    clock.until("07:00")
    day.briefing()
    posts.take_posts(day, "pre_event")
    day.late_patrols()
    day.morning_checks()
    staff_changes(cast, password)
    expected = day.lists(today)
    clock.until("07:50", day.patrol_tick)
    day.late_visits_arrive()
    posts.relief(day)
    meeting.visitor_wave(day, expected, "08:55")
    meeting.judge_watchlist(day)
    clock.until("09:00", day.patrol_tick)
    day.cmd.post("/phase", {"phase": "in_session"})
    day.log("plenary session opened")
    posts.take_posts(day, "in_session")
    clock.until("09:40", day.patrol_tick)
    meeting.medical_call(day)
    clock.until("10:30", day.patrol_tick)
    meeting.suspicious_bag(day)
    moved = day.move_tomorrows_groups()

    clock.until("12:00", day.patrol_tick)
    meeting.departures(day, "12:30")
    meeting.clearance(day)
    day.restore_tomorrow(moved)
    clock.until("13:00", day.patrol_tick)
    meeting.close_day(day)
    for person in [*cast["guards"], cast["operator"], cast["commander"], cast["admin"]]:
        person.logout()
    say("demo day over: open /command for the day's timeline")
    return day


def main(args):
    """Run `gatewatch demo`; Ctrl-C stops it."""
    stop = threading.Event()
    try:
        run_day(args.url, speed=args.speed, password=args.password, verify=not args.insecure,
                say=lambda line: print(line, flush=True), stop=stop)
    except KeyboardInterrupt:
        stop.set()
    except (DemoError, requests.RequestException) as exc:
        print(f"gatewatch demo: {exc}", file=sys.stderr)
        return 1
    return 0
