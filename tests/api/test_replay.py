"""Replay: the state at cursor k equals the state the store had when it held only the first k events.

Random scripted days over every concept (the moves of tests/api/test_sections_patches.py, drawn
in a seeded random order): after each request the fresh state is kept with its cursor and time;
afterwards the state at each cursor, as of that time, must equal it — every section unshaped and
shaped for every role — folded from nothing, from small checkpoints, and from damaged ones.
"""
import datetime as dt
import json
import random
import zlib

import pytest

from server import checkpoints, replay, snapshot
from server import events as ev
from server.patrols.service import check_overdue
from server.phase import current
from server.store.checkpoints import Checkpoints
from server.visibility import ROLES, Viewer
from unit_ids import ID

pytestmark = pytest.mark.usefixtures("quick_hashes")
VIEWERS = [Viewer(role, name) for role, name in zip(ROLES, ("g1", "wall", "op", "chief", "root"))]
VISITOR = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
           "organization": "Acme", "purpose": "meeting", "host": "李四", "entrance_id": "E1", "plate": "沪A12345"}


def ok(answer):
    """Assert a request was recorded; return its JSON."""
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()


class Day:
    """A random day: moves drawn from what the venue's state allows; every state kept."""

    def __init__(self, ctx, users, seed):
        self.ctx, self.u, self.rng = ctx, users, random.Random(seed)
        self.on_site, self.incidents, self.hazards, self.kept = [], [], [], []

    def keep(self):
        """Remember the state now (cursor, time, rows) as the store holds it."""
        cursor, reads, _ = snapshot.read(self.ctx)
        self.kept.append((cursor, reads.now, snapshot.rows_of(self.ctx, reads)))

    def checkin(self):
        cp = self.rng.choice(self.ctx.venue.checkpoints).id
        ok(self.u[self.rng.choice(("g1", "g2"))].post("/api/v1/checkins", json={
            "checkpoint_id": cp, **self.rng.choice(({"status": "clear"}, {"status": "issue", "note": "door ajar"}))}))

    def visitor_in(self):
        body = {**VISITOR, "entrance_id": self.rng.choice(("E1", "E2", "E3"))}
        self.on_site.append(ok(self.u["g1"].post("/api/v1/visitors", json=body))["visitor"]["visitor_id"])

    def visitor_out(self):
        if self.on_site:
            ok(self.u["g2"].post(f"/api/v1/visitors/{self.on_site.pop(0)}/checkout", json={"entrance_id": "E1"}))

    def vehicle(self):
        # A vehicle not on site cannot leave (409, nothing recorded): a move like any other.
        self.u["g2"].post("/api/v1/vehicles", json={"plate": self.rng.choice(("京A12345", "沪B54321")),
                                                    "direction": self.rng.choice(("in", "in", "out")),
                                                    "entrance_id": "E2", "kind": "staff"})

    def incident(self):
        self.incidents.append(ok(self.u["g2"].post("/api/v1/incidents", json={
            "category": "fire_smoke", "location_id": "E2", "description": "smoke"}))["incident"]["incident_id"])

    def incident_action(self):
        if self.incidents:
            body = self.rng.choice(({"action": "acknowledge"}, {"action": "assign", "assignee": "g1", "note": "go"},
                                    {"action": "resolve", "note": "done"}))
            self.u["op"].post(f"/api/v1/incidents/{self.rng.choice(self.incidents)}/actions", json=body)

    def inspection(self):
        ok(self.u["g2"].post("/api/v1/inspections", json={"checklist_id": "elevators", "area_id": "lobby", "results": [
            {"item_id": "certificate", "ok": False, "note": "expired"},
            *({"item_id": i, "ok": True} for i in ("alarm_intercom", "doors", "ride"))]}))
        self.hazards = [k for k in snapshot.rows_of(self.ctx, snapshot.read(self.ctx)[1])["hazards"]]

    def rectify(self):
        if self.hazards:
            self.u["op"].post(f"/api/v1/hazards/{self.hazards.pop()}/rectify", json={"note": "renewed"})

    def overdue(self):
        _phase, since = current(self.ctx)
        base = ev.parse_iso(since) if since else ev.utc_now()
        check_overdue(self.ctx, base + dt.timedelta(minutes=self.rng.choice((31, 95))))

    def alert_ack(self):
        alerts = snapshot.rows_of(self.ctx, snapshot.read(self.ctx)[1])["alerts"]
        if alerts:
            self.u["op"].post(f"/api/v1/alerts/{self.rng.choice(sorted(alerts))}/acknowledge", json={})

    def phase(self):
        self.u["chief"].post("/api/v1/phase", json={"phase": self.rng.choice(("in_session", "post_event")),
                                                     "override_reason": "test"})

    def clearance(self):
        self.u["g1"].post(f"/api/v1/clearance/{self.rng.choice(self.ctx.venue.zones).id}", json={"people_found": 0})

    def watchlist(self):
        ok(self.u["chief"].post("/api/v1/watchlist", json={"name": "Watch Me", "reason": "banned", "action": "alert"}))
        self.on_site.append(ok(self.u["g1"].post("/api/v1/visitors", json={
            **VISITOR, "id_type": "passport", "id_number": "E12345678", "name": "Watch Me", "plate": ""}))
            ["visitor"]["visitor_id"])

    def programme(self):
        # A commander gives the day a meeting in one zone, or takes the edit back (404 when none).
        if self.rng.random() < 0.6:
            zone = self.rng.choice(self.ctx.venue.zones).id
            ok(self.u["chief"].post("/api/v1/programme/days", json={"date": "daily", "meetings": [
                {"id": "m", "name": {"zh-CN": "会议", "en": "Meeting"}, "start": "00:00", "end": "23:59",
                 "zones": [zone]}]}))
        else:
            self.u["chief"].post("/api/v1/programme/days/daily/reset", json={})

    MOVES = ("checkin", "visitor_in", "visitor_out", "vehicle", "incident", "incident_action", "inspection",
             "rectify", "overdue", "alert_ack", "phase", "clearance", "watchlist", "programme")

    def play(self, steps):
        """Make every move once in a random order, then random moves; keep the state after each."""
        moves = list(self.MOVES)
        self.rng.shuffle(moves)
        moves += [self.rng.choice(self.MOVES) for _ in range(steps)]
        for move in moves:
            before = self.ctx.store.last_id()
            getattr(self, move)()
            if self.ctx.store.last_id() != before:
                self.keep()


@pytest.fixture
def users(login_as):
    """Signed-in users of every role."""
    return {name: login_as(name, role) for role, name in (("guard", "g1"), ("guard", "g2"), ("operator", "op"),
                                                       ("commander", "chief"), ("display", "wall"),
                                                       ("admin", "root"))}


def assert_replays(ctx, kept):
    """Assert the state at each kept cursor, as of its time, equals the kept one, for every viewer."""
    for cursor, now, rows in kept:
        again = snapshot.rows_of(ctx, replay.reads_at(ctx, cursor, now))
        assert again == rows, cursor
        for viewer in VIEWERS:
            assert (snapshot.for_viewer(ctx.registry, again, viewer)
                    == snapshot.for_viewer(ctx.registry, rows, viewer)), (cursor, viewer)


@pytest.mark.parametrize("seed", [1, 2])
def test_state_at_each_cursor_equals_the_state_the_store_had_then(ctx, users, seed, monkeypatch):
    day = Day(ctx, users, seed)
    day.play(steps=15)
    assert len(day.kept) > 15
    touched = {name for (_c, _n, rows) in day.kept for name, section in rows.items() if section}
    assert touched >= {"patrols", "visitors", "vehicles", "incidents", "hazards", "alerts", "clearance",
                       "watchlist_hits", "phase", "guards_active", "checkins"}
    # Folded from nothing: no checkpoints yet.
    monkeypatch.setattr(ctx.settings, "checkpoint_every", 0)
    assert checkpoints.catch_up(ctx) == 0
    assert_replays(ctx, day.kept)
    # From checkpoints every 3 events, written by the watcher's catch-up.
    monkeypatch.setattr(ctx.settings, "checkpoint_every", 3)
    while checkpoints.catch_up(ctx):
        pass
    written = Checkpoints(ctx.store).count(checkpoints.version())
    assert written == ctx.store.count_events() // 3
    assert_replays(ctx, day.kept)
    # Rebuilt by `gatewatch rebuild`'s path: the same positions.
    events = list(ctx.store.scan_events())
    assert checkpoints.rebuild(ctx, events) == written
    assert_replays(ctx, day.kept)
    # A position keeps what a section can still show and what its window reads, not every
    # visitor who ever came: those who left before it and are not touched after are not in it.
    head = Checkpoints(ctx.store).head(checkpoints.version())
    shown = json.loads(zlib.decompress(head["z"]))["visitors"]
    left = {vid for vid, entry in ctx.store.projection("visitors").items() if not entry["on_site"]}
    assert left and all(entry["on_site"] for entry in shown.values()) and not left & set(shown)
    # Nor does the head keep them: only folds that can show an entry again (a reopened incident) are.
    cps = Checkpoints(ctx.store)
    assert not ctx.store.redis.exists(cps.head_key(checkpoints.version(), "visitors"))
    assert ctx.store.redis.hlen(cps.head_key(checkpoints.version(), "incidents")) == len(ctx.store.projection("incidents"))


def test_damaged_or_foreign_checkpoints_never_change_an_answer(ctx, users, monkeypatch):
    day = Day(ctx, users, 7)
    day.play(steps=5)
    monkeypatch.setattr(ctx.settings, "checkpoint_every", 2)
    checkpoints.rebuild(ctx, list(ctx.store.scan_events()))
    cps = Checkpoints(ctx.store)
    stored = ctx.store.binary.xrange(cps.key(checkpoints.version()))
    # Every other one: content that does not match its hash, or bytes that are no checkpoint.
    damaged = [(i.decode(), fields if n % 2 == 0 else {"n": "2", "sha": "0" * 64, "z": b"garbage"})
               for n, (i, fields) in enumerate(stored)]
    damaged[-1] = (damaged[-1][0], {**stored[-1][1], b"z": b"x" + stored[-1][1][b"z"]})
    cps.rewrite(checkpoints.version(), damaged)
    assert_replays(ctx, day.kept)
    # A head whose content does not match its hash: cursors after it fold from the start.
    ctx.store.redis.hset(cps.head_key(checkpoints.version()), "sha", "0" * 64)
    assert checkpoints.catch_up(ctx) == 0
    assert_replays(ctx, day.kept)
    # A checkpoint of other fold code (a wrong state under another version) is not read.
    monkeypatch.setattr(checkpoints, "version", lambda: "other-code")
    assert_replays(ctx, day.kept)
