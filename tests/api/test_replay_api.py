"""GET /api/v1/state?at=: who may ask, cursor and ISO forms, bad input, and purged people stay purged."""
import datetime as dt
import json

import pytest

from server import checkpoints
from server import events as ev
from server.visitors.service import purge_visitors
from unit_ids import ID

pytestmark = pytest.mark.usefixtures("quick_hashes")
VISITOR = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
           "organization": "Acme", "purpose": "meeting", "host": "李四", "entrance_id": "E1", "plate": "沪A12345"}


@pytest.fixture
def crew(login_as):
    """A guard, an operator, a commander and a display, signed in."""
    return {role: login_as(f"r-{role}", role) for role in ("guard", "operator", "commander", "display", "admin")}


def visit(crew, ctx):
    """Register a visitor and check them out; return (id, cursor while inside, cursor after)."""
    visitor = crew["guard"].post("/api/v1/visitors", json=VISITOR).get_json()["visitor"]["visitor_id"]
    inside = ctx.store.last_id()
    assert crew["guard"].post(f"/api/v1/visitors/{visitor}/checkout", json={"entrance_id": "E1"}).status_code == 200
    return visitor, inside, ctx.store.last_id()


def state(client, at):
    """GET the state at a moment; return (status, JSON)."""
    answer = client.client.get("/api/v1/state", query_string={"at": at})
    return answer.status_code, answer.get_json()


@pytest.mark.parametrize("role", ["guard", "operator", "display"])
def test_only_commanders_and_admins_may_ask_for_a_past_state(crew, ctx, role):
    _, inside, _ = visit(crew, ctx)
    status, body = state(crew[role], inside)
    assert status == 403, body
    assert crew[role].client.get("/api/v1/state").status_code == (403 if role == "guard" else 200)


@pytest.mark.parametrize("role", ["commander", "admin"])
def test_a_visitor_appears_at_the_cursor_they_came_in_and_is_gone_after(crew, ctx, role):
    visitor, inside, after = visit(crew, ctx)
    status, then = state(crew[role], inside)
    assert status == 200 and then["replay"] is True and then["cursor"] == inside
    assert then["server_time"] == ev.ms_to_iso(ev.id_ms(inside))
    assert visitor in then["sections"]["visitors"]
    assert then["recent_events"][-1]["id"] == inside
    status, later = state(crew[role], after)
    assert visitor not in later["sections"]["visitors"]
    assert later["recent_events"][-1]["type"] == "visitor.checked_out"
    assert crew[role].client.get("/api/v1/state").get_json()["replay"] is False


def test_an_iso_time_picks_the_last_event_at_or_before_it_in_any_zone(crew, ctx):
    visitor, inside, after = visit(crew, ctx)
    when = dt.datetime.fromtimestamp(ev.id_ms(inside) / 1000, dt.timezone.utc)
    local = (when + dt.timedelta(microseconds=500)).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()
    status, body = state(crew["commander"], local)
    assert status == 200 and body["cursor"] == inside, body
    assert visitor in body["sections"]["visitors"]
    status, before = state(crew["commander"], ev.iso(when - dt.timedelta(days=1)))
    assert status == 200 and before["cursor"] == "0-0" and before["sections"]["visitors"] == {}


@pytest.mark.parametrize("at", ["yesterday", "2026-05-01T10:00:00", "2999-01-01T00:00:00Z", "99999999999999-0"])
def test_a_bad_or_future_moment_is_a_400_naming_at(crew, ctx, at):
    visit(crew, ctx)
    status, body = state(crew["commander"], at)
    assert status == 400 and "at" in body["error"]["fields"], body


@pytest.mark.parametrize("with_checkpoints", [False, True])
def test_a_purged_visitor_is_not_resurrected_in_replay(crew, ctx, monkeypatch, with_checkpoints):
    visitor, inside, _ = visit(crew, ctx)
    status, then = state(crew["commander"], inside)
    assert then["sections"]["visitors"][visitor]["name"] == "张三丰"
    if with_checkpoints:  # one written while the name was still there
        monkeypatch.setattr(ctx.settings, "checkpoint_every", 1)
        assert checkpoints.catch_up(ctx, budget=100) >= 2
    purge_visitors(ctx, actor={"username": "cli", "role": "admin"}, before=ev.utc_now() + dt.timedelta(seconds=1))
    status, then = state(crew["commander"], inside)
    assert status == 200 and visitor in then["sections"]["visitors"]
    text = json.dumps(then, ensure_ascii=False)
    for secret in ("张三丰", "13800138000", "沪A12345", ID):
        assert secret not in text


def test_gatewatch_rebuild_writes_the_checkpoints_replay_reads(crew, ctx, runner, monkeypatch):
    visitor, inside, _ = visit(crew, ctx)
    visit(crew, ctx)
    monkeypatch.setenv("GATEWATCH_CHECKPOINT_EVERY", "2")
    status, out, err = runner("rebuild")
    assert status == 0, err
    expected = ctx.store.count_events() // 2
    assert f"{expected} fold checkpoints rebuilt" in out
    from server.store.checkpoints import Checkpoints
    assert Checkpoints(ctx.store).count(checkpoints.version()) == expected
    status, then = state(crew["commander"], inside)
    assert visitor in then["sections"]["visitors"]


def test_the_leading_watcher_writes_missing_checkpoints_and_a_second_one_adds_none(crew, ctx, monkeypatch):
    from server.store.checkpoints import Checkpoints
    from server.watch import Watcher
    visit(crew, ctx)
    visit(crew, ctx)
    monkeypatch.setattr(ctx.settings, "checkpoint_every", 2)
    Watcher(ctx).tick()
    cps = Checkpoints(ctx.store)
    written = cps.count(checkpoints.version())
    assert written == min(checkpoints.BUDGET, ctx.store.count_events() // 2)
    # Another process catching up goes on from where the first left off.
    assert checkpoints.catch_up(ctx, budget=100) == ctx.store.count_events() // 2 - written
    assert checkpoints.catch_up(ctx, budget=100) == 0
    # A writer that read the head before another moved it writes nothing.
    visit(crew, ctx)
    stale = checkpoints._head(ctx, cps.head(checkpoints.version()))
    events = ctx.store.events_after(stale.at, 2)
    assert checkpoints.advance(ctx, stale, events) is not None
    before = (cps.count(checkpoints.version()), cps.head(checkpoints.version()))
    assert checkpoints.advance(ctx, stale, events) is None
    assert (cps.count(checkpoints.version()), cps.head(checkpoints.version())) == before


def test_from_a_checkpoint_the_visitor_on_site_reads_whole_and_one_who_left_is_not_opened(crew, ctx, monkeypatch):
    gone, _, _ = visit(crew, ctx)  # left: no section shows them again
    inside = crew["guard"].post("/api/v1/visitors", json={**VISITOR, "name": "王五"}).get_json()
    inside = inside["visitor"]["visitor_id"]
    monkeypatch.setattr(ctx.settings, "checkpoint_every", 1)
    checkpoints.rebuild(ctx, list(ctx.store.scan_events()))
    cursor = ctx.store.last_id()
    status, then = state(crew["commander"], cursor)
    assert status == 200 and then["sections"]["visitors"][inside]["name"] == "王五"
    assert then["sections"]["visitors"][inside]["host"] == "李四"
    assert gone not in then["sections"]["visitors"]
    # The replay opened only what a section shows: the one who left reads as stored (masked).
    state_then = checkpoints.state_at(ctx, cursor)
    assert state_then["visitors"].get(gone, {}).get("host", "") == ""
    assert state_then["visitors"][inside]["host"] == "李四"
    # Every other reader still reads the one who left whole.
    assert crew["operator"].client.get(f"/api/v1/visitors/{gone}").get_json()["visitor"]["host"] == "李四"
