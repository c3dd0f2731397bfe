"""Snapshot after event k == snapshot after k-1 with the patch of k applied, for every section.

A scripted venue day touches every concept; after each request the events it committed are folded
by the live path (server/screens.py, as the tailer does), and the patches it answers, applied to the
previous snapshot, must give exactly the fresh snapshot — unshaped, and shaped for every role.
A new section that the script never changes fails `test_the_script_changes_every_section`.
"""
import datetime as dt

import pytest

from server import events as ev, snapshot
from server.patrols.service import check_overdue
from server.phase import current
from server.screens import Screens
from server.visibility import ROLES, Viewer
from unit_ids import ID

pytestmark = pytest.mark.usefixtures("quick_hashes")
VIEWERS = [Viewer(role, name) for role, name in zip(ROLES, ("g1", "wall", "op", "chief", "root"))]
VISITOR = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
           "organization": "Acme", "purpose": "meeting", "host": "李四", "entrance_id": "E1", "plate": "沪A12345"}


def apply(rows, patches):
    """Apply {section: {key: row | None}} to {section: {key: row}} (a page's store does the same)."""
    out = {name: dict(section) for name, section in rows.items()}
    for name, patch in patches.items():
        section = out.setdefault(name, {})
        for key, row in patch.items():
            if row is None:
                section.pop(key, None)
            else:
                section[key] = row
    return out


def fresh(ctx, at):
    """Return every section's rows read from the store now, at the time `at`."""
    _cursor, reads, _ = snapshot.read(ctx)
    reads.now = at
    return snapshot.rows_of(ctx, reads)


class Day:
    """Drive requests; after each, check the Zulip property on the live fold."""

    def __init__(self, ctx, login_as):
        self.ctx, self.login_as = ctx, login_as
        self.screens = Screens(ctx)
        self.cursor = self.screens.load()
        self.shaped = {v: self.screens.shaped(v) for v in VIEWERS}
        self.patched = set()

    def step(self):
        """Fold the events since the last step; check patches == the fresh snapshot's difference."""
        batch = self.ctx.store.events_after(self.cursor, 1000)
        assert batch, "each step records something"
        before = self.screens.rows
        changed = self.screens.advance(batch)
        now = self.screens.reads.now
        self.cursor = batch[-1]["id"]
        self.patched |= set(changed)
        self.last = changed
        assert apply(before, changed) == fresh(self.ctx, now)
        for viewer in VIEWERS:
            self.shaped[viewer] = apply(self.shaped[viewer], self.screens.patches(changed, viewer))
            assert self.shaped[viewer] == snapshot.for_viewer(self.ctx.registry, fresh(self.ctx, now), viewer), viewer


@pytest.fixture
def day(ctx, login_as):
    """A day whose users are signed in before the live fold starts."""
    users = {name: login_as(name, role) for role, name in (("guard", "g1"), ("guard", "g2"), ("operator", "op"),
                                                        ("commander", "chief"), ("display", "wall"))}
    out = Day(ctx, login_as)
    out.users = users
    return out


def ok(answer):
    """Assert a request was recorded; return its JSON."""
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()


def test_the_live_patches_rebuild_every_snapshot(day, ctx):
    g1, g2, op, chief = (day.users[n] for n in ("g1", "g2", "op", "chief"))
    ok(g1.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"}))
    day.step()
    _phase, since = current(ctx)
    check_overdue(ctx, ev.parse_iso(since) + dt.timedelta(minutes=31) if since else ev.utc_now() + dt.timedelta(hours=1))
    day.step()
    alert = next(iter(day.screens.rows["alerts"]))
    ok(op.post(f"/api/v1/alerts/{alert}/acknowledge", json={}))
    day.step()
    visitor = ok(g1.post("/api/v1/visitors", json=VISITOR))["visitor"]["visitor_id"]
    day.step()
    ok(g2.post("/api/v1/vehicles", json={"plate": "京A12345", "direction": "in", "entrance_id": "E2", "kind": "staff"}))
    day.step()
    incident = ok(g2.post("/api/v1/incidents", json={"category": "fire_smoke", "location_id": "E2",
                                                    "description": "smoke near 王五"}))["incident"]["incident_id"]
    day.step()
    for body in ({"action": "acknowledge"}, {"action": "assign", "assignee": "g1", "note": "go"},
                 {"action": "notify_agency", "agency": "fire", "reference": "119-42", "note": "called"}):
        ok(op.post(f"/api/v1/incidents/{incident}/actions", json=body))
        day.step()
    ok(g2.post("/api/v1/inspections", json={"checklist_id": "elevators", "area_id": "lobby", "results": [
        {"item_id": "certificate", "ok": False, "note": "expired"},
        *({"item_id": i, "ok": True} for i in ("alarm_intercom", "doors", "ride"))]}))
    day.step()
    hazard = next(iter(day.screens.rows["hazards"]))
    ok(op.post(f"/api/v1/hazards/{hazard}/assign", json={"assignee": "g1"}))
    day.step()
    ok(op.post(f"/api/v1/hazards/{hazard}/rectify", json={"note": "renewed"}))
    day.step()
    ok(g1.post(f"/api/v1/visitors/{visitor}/checkout", json={"entrance_id": "E1"}))
    day.step()
    ok(chief.post("/api/v1/watchlist", json={"plate": "粤B99999", "reason": "stolen", "action": "alert"}))
    ok(g2.post("/api/v1/vehicles", json={"plate": "粤B99999", "direction": "in", "entrance_id": "E3",
                                         "kind": "delivery", "pass_id": "P-1"}))
    day.step()
    ok(chief.post("/api/v1/watchlist", json={"name": "Watch Me", "reason": "banned", "action": "alert"}))
    visitor2 = ok(g1.post("/api/v1/visitors", json={**VISITOR, "id_type": "passport", "id_number": "E12345678",
                                                    "name": "Watch Me", "plate": ""}))["visitor"]["visitor_id"]
    day.step()
    ok(chief.post("/api/v1/phase", json={"phase": "post_event", "override_reason": "test"}))
    day.step()
    zone = ctx.venue.zones[0].id
    ok(g1.post(f"/api/v1/clearance/{zone}", json={"people_found": 0}))
    day.step()
    assert visitor2
    # The test venue has no programme (tests/support.VENUE strips it so no test depends on the hour it
    # runs): a commander gives it one for the whole day, then takes it back.
    whole_day = {"id": "plenary", "name": {"zh-CN": "全体会议", "en": "Plenary"}, "start": "00:00", "end": "23:59",
                 "zones": ["main_hall"]}
    ok(chief.post("/api/v1/programme/days", json={"date": "daily", "meetings": [whole_day]}))
    day.step()
    ok(chief.post("/api/v1/programme/days/daily/reset", json={}))
    day.step()
    missing = {s.name for s in snapshot.all_sections(ctx.registry)} - day.patched
    assert not missing, f"the script never changes {missing}: add a step for it"


def test_a_check_in_patches_its_own_checkpoint_and_agrees_with_a_full_recompute(day, ctx):
    g1, chief = day.users["g1"], day.users["chief"]
    gates = [cp.id for cp in ctx.venue.checkpoints][:3]
    for gate in gates:
        ok(g1.post("/api/v1/checkins", json={"checkpoint_id": gate, "status": "clear"}))
        day.step()  # checks patch + previous == fresh, for every viewer
    # The wall's frame for one check-in carries that checkpoint's row, not every checkpoint's.
    ok(g1.post("/api/v1/checkins", json={"checkpoint_id": gates[1], "status": "issue", "note": "gate stuck"}))
    day.screens.computed_at["patrols"] = ev.utc_now()  # not due for its once-a-second recompute
    day.step()
    assert set(day.last["patrols"]) == {gates[1]}
    assert day.last["patrols"][gates[1]]["last_status"] == "issue"
    # A phase change moves every checkpoint's interval: all their rows are recomputed, not one.
    ok(chief.post("/api/v1/phase", json={"phase": "post_event", "override_reason": "test"}))
    day.screens.computed_at["patrols"] = ev.utc_now()
    day.step()
    assert len(day.last["patrols"]) > 1
