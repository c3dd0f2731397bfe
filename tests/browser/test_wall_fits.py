"""The wall on a busy pre-event day at 1920×1080, in both languages: every panel's heading on the
screen and clear of every other panel and the feed, and every list either whole or saying how many
rows it leaves out ("+N more", N the rows not shown). The day is filled through the API: a fresh
venue's readiness (34 checks missing), ten posts short, twelve open alerts, six open incidents,
forty visitors on site, a long hostile name on a post and on a visitor."""
import pathlib

import pytest
import yaml
from playwright.sync_api import expect

from server import events as ev
from server import ledger
from support import VENUE, LiveServer
from unit_ids import ID

from .pw_helpers import PASSWORD, WALL, shot, sign_in_api

OPERATOR, GUARD = "wallfit_op", "wallfit_guard"
LONG = "<b>阿卜杜勒·拉赫曼·穆罕默德·伊本·哈立德·阿勒萨尼</b> Abdul-Rahman Mohammed bin Khalid Al-Thani"
INCIDENTS = (("fire_smoke", "E5"), ("fire_smoke", "power_room"), ("medical", "E3"),
             ("lost_found", "canteen_kitchen"), ("medical", "main_hall"), ("lost_found", "E1"))
EXTRA_POSTS = 7  # the venue's three pre-event posts and seven more: ten short
ZONES = ("outer_perimeter", "parking", "lobby", "main_hall", "meeting_rooms", "press_area", "canteen_kitchen")


def busy_venue(folder):
    """Write the default venue with seven more posts needed before the session; return its path."""
    venue = yaml.safe_load(VENUE.read_text(encoding="utf-8"))
    for n, zone in enumerate(ZONES[:EXTRA_POSTS], start=1):
        venue["posts"].append({"id": f"P-X{n}", "zone_id": zone, "needs": {"pre_event": 2},
                               "name": {"zh-CN": f"临时加岗{n}号（{zone}）", "en": f"Extra post {n} ({zone})"}})
    path = pathlib.Path(folder) / "busy.yaml"
    path.write_text(yaml.safe_dump(venue, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def live_server(live_redis, tmp_path_factory):
    """A real server on the busy venue (this module's own)."""
    folder = tmp_path_factory.mktemp("busy")
    server = LiveServer(live_redis, folder, venue=busy_venue(folder)).start()
    yield server
    server.stop()


def created(answer):
    """Return a creating request's body, failing on anything but 201."""
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def busy(live_server):
    """Fill the day: one guard short on a post that needs two, under a long hostile name; six open
    incidents; forty visitors (the last under the long name); ten mild alerts and two escalations."""
    live_server.add_user(OPERATOR, "operator", PASSWORD)
    live_server.add_user(GUARD, "guard", PASSWORD, display_name=LONG[:60])
    guard = live_server.token(GUARD)
    created(live_server.post("/api/v1/posts/P-X1/on-duty", guard, {}))
    ids = [created(live_server.post("/api/v1/incidents", guard, {
        "category": c, "location_id": p, "description": LONG}))["incident"]["incident_id"] for c, p in INCIDENTS]
    for n in range(40):
        name = LONG[:100] if n == 39 else f"访客{n:02d}号"
        created(live_server.post("/api/v1/visitors", guard, {
            "name": name, "id_type": "resident_id", "id_number": ID, "purpose": "会议",
            "entrance_id": f"E{n % 5 + 1}", "organization": LONG[:200], "host": LONG[:100]}))
    for n, cp in enumerate(("C1", "C2", "C3", "C4", "C5", "C6", "C7", "E1", "E2", "E4")):
        ledger.record(live_server.ctx, [ev.draft("alert.raised", actor=ev.SYSTEM_ACTOR, data={
            "alert_id": f"fit-{n}", "kind": "patrol_overdue", "checkpoint_id": cp, "severity": 3,
            "due_at": ev.iso(ev.utc_now())})])
    for iid, (category, place) in zip(ids[:2], INCIDENTS[:2]):
        ledger.record(live_server.ctx, [ev.draft("alert.raised", actor=ev.SYSTEM_ACTOR, data={
            "alert_id": f"unack-{iid}", "kind": "incident_unacknowledged", "severity": 1, "incident_id": iid,
            "category": category, "location_id": place})])
    return ids


def wall(make_context, lang):
    """Open /control at 1920×1080 as the operator, live, fonts loaded."""
    context = make_context(lang=lang, viewport=WALL)
    sign_in_api(context, OPERATOR)
    page = context.new_page()
    page.on("dialog", lambda d: pytest.fail(f"a script ran from data: {d.message}"))
    page.goto("/control")
    expect(page.locator("[data-conn]")).to_have_attribute("data-state", "live")
    page.evaluate("document.fonts.ready")
    return page


# Every panel, bar and banner on the screen, with its heading: {name, box, heading}.
BOXES = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const all = [...document.querySelectorAll(".c-top, .c-banner, .c-incident-banner, .c-replaybar, .c-map, .c-feed, "
    + ".c-side > section")].filter(shown);
  return all.map((el) => ({ name: el.className, box: box(el),
    heading: el.matches(".c-side > section, .c-feed") && el.querySelector("h2") ? box(el.querySelector("h2")) : null }));
}"""

# How many of a list's rows are drawn whole inside their panel, and the list's "+N more" note.
ROWS = """([rows, note]) => {
  const els = [...document.querySelectorAll(rows)];
  const inside = (el) => {
    if (!el.getClientRects().length) return false;
    const r = el.getBoundingClientRect();
    const p = el.closest("section").getBoundingClientRect();
    return r.top >= p.top - 1 && r.bottom <= p.bottom + 1 && r.bottom <= innerHeight && r.right <= innerWidth + 1;
  };
  const n = document.querySelector(note);
  return { drawn: els.length, whole: els.filter(inside).length,
           note: n && n.getClientRects().length ? n.textContent.trim() : "" };
}"""


def inside_screen(box):
    """Tell whether a box lies wholly on the 1920×1080 screen."""
    return box[0] >= 0 and box[1] >= 0 and box[2] <= WALL["width"] + 0.5 and box[3] <= WALL["height"] + 0.5


def overlap(a, b):
    """Tell whether two boxes share any area (touching edges do not count)."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


def lists(live_server):
    """Return each list of the busy wall: (name, its rows, its "+N more", how many rows it has)."""
    venue = yaml.safe_load(pathlib.Path(live_server.venue).read_text(encoding="utf-8"))
    return [("alerts", "[data-alerts] > li", "[data-alerts-more]", 12),
            ("incidents", "[data-incidents] > li", "[data-incidents-more]", len(INCIDENTS)),
            ("patrols", "[data-patrols] > li", "[data-patrols-more]", len(venue["checkpoints"])),
            ("posts", "[data-posts-list] > li", '[data-fit-more="posts"]', 3 + EXTRA_POSTS),
            ("readiness", ".c-readiness tbody tr, [data-board-compact] > li", '[data-fit-more="readiness"]',
             len(venue["checklists"])),
            ("visitors", "[data-visitors-list] > li", "[data-visitors-more]", 40)]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_panel_heading_is_on_screen_and_every_list_counts_what_it_leaves_out(make_context, live_server,
                                                                                 busy, lang):
    page = wall(make_context, lang)
    expect(page.locator("[data-visitors-total]")).to_have_text("40")
    expect(page.locator("[data-readiness-board]")).to_be_visible()
    expect(page.locator("[data-posts-panel]")).to_be_visible()
    shot(page, f"wall-fits-{lang}")
    boxes = page.evaluate(BOXES)
    assert len([b for b in boxes if b["heading"]]) == 7, boxes  # the feed; alerts, incidents, patrols; posts, readiness, visitors
    for panel in boxes:
        assert inside_screen(panel["box"]), panel
        for other in boxes:
            if other is not panel:
                assert not overlap(panel["box"], other["box"]), (panel, other)
        if panel["heading"]:
            assert inside_screen(panel["heading"]), panel
            assert all(panel["heading"][i] >= panel["box"][i] - 0.5 for i in (0, 1)), panel
            assert all(panel["heading"][i] <= panel["box"][i] + 0.5 for i in (2, 3)), panel
    for name, rows, note, total in lists(live_server):
        seen = page.evaluate(ROWS, [rows, note])
        more = int("".join(ch for ch in seen["note"] if ch.isdigit()) or 0)
        assert seen["whole"] >= 1, (name, seen)  # the most urgent row is always there
        assert seen["whole"] + more == total, (name, total, seen)


@pytest.fixture(scope="module")
def overridden_and_clearing(live_server, busy):
    """A commander overrides readiness into the session, then the meeting ends: the wall shows what
    the override skipped and the clearance round with forty visitors still on the roll."""
    live_server.add_user("wallfit_chief", "commander", PASSWORD)
    chief = live_server.token("wallfit_chief")
    created(live_server.post("/api/v1/phase", chief, {"phase": "in_session", "override_reason": "领导要求准时开会"}))
    created(live_server.post("/api/v1/phase", chief, {"phase": "post_event"}))
    import requests
    board = requests.get(live_server.url + "/api/v1/readiness", headers={"Authorization": f"Bearer {chief}"}, timeout=10)
    return len(board.json()["missing"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_overridden_items_and_the_roll_count_what_they_leave_out(make_context, live_server,
                                                                     overridden_and_clearing, lang):
    page = wall(make_context, lang)
    expect(page.locator("[data-clearance-panel]")).to_be_visible()
    expect(page.locator("[data-missing-list] > li").first).to_be_attached()
    page.wait_for_timeout(300)
    shot(page, f"wall-fits-clearing-{lang}")
    for name, rows, note, total in (("missing", "[data-missing-list] > li", '[data-fit-more="missing"]',
                                     overridden_and_clearing),
                                    ("roll", "[data-clr-roll] > li", '[data-fit-more="roll"]', 40)):
        seen = page.evaluate(ROWS, [rows, note])
        more = int("".join(ch for ch in seen["note"] if ch.isdigit()) or 0)
        assert seen["whole"] >= 1, (name, seen)
        assert seen["whole"] + more == total, (name, total, seen)
    # the visitors panel steps aside for the roll; the counter keeps the total
    expect(page.locator("[data-visitors-panel]")).to_be_hidden()
    expect(page.locator('[data-counter="visitors"]')).to_have_text("40")
    # the visitors panel steps aside for the roll; the counter keeps the total
    expect(page.locator("[data-visitors-panel]")).to_be_hidden()
    expect(page.locator('[data-counter="visitors"]')).to_have_text("40")
