"""`gatewatch rebuild` reproduces projections and indexes exactly; snapshot + events == fresh state."""
import datetime as dt
import json
import uuid

import pytest

from server.activity import Fold as activity
from server.alerts import fold as alerts
from server.concepts import REGISTRY
from server.patrols import fold as patrols
from server.patrols.service import check_overdue
from server.phase import fold as phase
from server import events as ev
from support import flat

NAMES = [fold.NAME for fold in REGISTRY.folds]


class Actor:
    """A signed-in user on a test client of its own."""

    def __init__(self, app, ctx, username, role):
        from server.auth import users
        users.add_user(ctx, actor={"username": "test", "role": "admin"}, username=username, role=role,
                       password="correct-horse-1")
        self.client = app.test_client()
        answer = self.client.post("/api/v1/auth/login", json={"username": username, "password": "correct-horse-1"})
        assert answer.status_code == 200
        self.csrf = answer.get_json()["csrf_token"]

    def post(self, path, body):
        """POST with CSRF and a fresh Idempotency-Key; return the JSON answer."""
        answer = self.client.post(path, json=body, headers={"X-CSRF-Token": self.csrf,
                                                            "Idempotency-Key": uuid.uuid4().hex})
        assert answer.status_code in (200, 201), answer.get_json()
        return answer.get_json()

    def get(self, path):
        """GET and return the JSON answer."""
        answer = self.client.get(path)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()


@pytest.fixture
def people(app, ctx):
    """A guard, a second guard, an operator and a commander."""
    return {name: Actor(app, ctx, name, role) for name, role in
            (("gus", "guard"), ("gail", "guard"), ("otto", "operator"), ("chief", "commander"))}


def since(ctx):
    """Return when the current phase began."""
    return ev.parse_iso(ctx.store.projection(phase.NAME)["phase"]["since"])


def busy_shift(ctx, people):
    """Check in, miss patrols, raise and acknowledge alerts, change phase."""
    gus, gail, otto, chief = (people[n] for n in ("gus", "gail", "otto", "chief"))
    start = since(ctx)
    gus.post("/api/v1/checkins", {"checkpoint_id": "E1", "status": "clear"})
    gail.post("/api/v1/checkins", {"checkpoint_id": "C2", "status": "issue", "note": "cable across the aisle",
                                   "observed_at": ev.iso(ev.utc_now() - dt.timedelta(minutes=3))})
    check_overdue(ctx, start + dt.timedelta(minutes=31))
    check_overdue(ctx, start + dt.timedelta(minutes=61))
    open_now = otto.get("/api/v1/alerts")["alerts"]
    for alert in open_now[:3]:
        otto.post(f"/api/v1/alerts/{alert['alert_id']}/acknowledge", {})
    chief.post("/api/v1/phase", {"phase": "in_session", "override_reason": "test arranged without inspections"})
    gus.post("/api/v1/checkins", {"checkpoint_id": "C9", "status": "clear"})


def indexes(ctx):
    """Return every timeline index as {key: [(member, score)]}."""
    r = ctx.store.redis
    return {key: [i for i, _ in r.xrange(key)] for key in sorted(r.scan_iter(match=ctx.store.keys.of("idx", "*")))}


def test_rebuild_recomputes_projections_and_indexes_byte_identically(ctx, client, people, runner):
    busy_shift(ctx, people)
    projections, idx = ctx.store.raw_projections(NAMES), indexes(ctx)
    assert projections[alerts.NAME] and projections[patrols.NAME] and projections[activity.NAME]
    assert any(json.loads(v)["status"] == "acknowledged" for v in projections[alerts.NAME].values())
    assert len(idx) > 10
    ctx.store.redis.delete(*[ctx.store.keys.projection(n) for n in NAMES], *idx)
    assert ctx.store.raw_projections(NAMES) == {n: {} for n in NAMES} and indexes(ctx) == {}
    status, out, err = runner("rebuild")
    assert status == 0, err
    assert "rebuilt" in out
    assert ctx.store.raw_projections(NAMES) == projections
    assert indexes(ctx) == idx
    assert client.get("/readyz").status_code == 200


def test_rebuild_check_reports_consistency_and_tampering(ctx, people, runner):
    busy_shift(ctx, people)
    status, out, _ = runner("rebuild", "--check")
    assert status == 0 and "none" in out
    key = ctx.store.keys.projection(patrols.NAME)
    entry = json.loads(ctx.store.redis.hget(key, "E1"))
    entry["last_guard"] = "mallory"
    ctx.store.redis.hset(key, "E1", json.dumps(entry))
    before = ctx.store.raw_projections(NAMES)
    status, out, _ = runner("rebuild", "--check")
    assert status == 1 and "patrols" in out
    assert ctx.store.raw_projections(NAMES) == before  # --check only reports
    assert runner("rebuild")[0] == 0
    assert json.loads(ctx.store.redis.hget(key, "E1"))["last_guard"] == "gus"
    assert runner("rebuild", "--check")[0] == 0


def test_rebuild_check_notices_a_missing_and_an_extra_entry(ctx, people, runner):
    busy_shift(ctx, people)
    some_alert = next(iter(ctx.store.raw_projections([alerts.NAME])[alerts.NAME]))
    ctx.store.redis.hdel(ctx.store.keys.projection(alerts.NAME), some_alert)
    status, out, _ = runner("rebuild", "--check")
    assert status == 1 and "alerts" in out
    runner("rebuild")
    ctx.store.redis.hset(ctx.store.keys.projection(activity.NAME), "ghost", '{"username":"ghost"}')
    status, out, _ = runner("rebuild", "--check")
    assert status == 1 and "activity" in out


def as_projections(state):
    """Turn a /state answer back into the projections a client can fold onto."""
    meta = {"phase": {"phase": state["phase"], "since": state["phase_since"]}} if state["phase_since"] else {}
    rows = {r["checkpoint_id"]: {k: r[k] for k in ("checkpoint_id", "last_checkin_at", "last_guard", "last_status")}
            for r in state["patrols"] if r["last_checkin_at"]}
    return {phase.NAME: meta, patrols.NAME: rows, alerts.NAME: {a["alert_id"]: a for a in state["alerts"]}}


def view(venue, projections, now):
    """Derive what /state shows (patrol rows, open alerts) from projections."""
    current, started = projections[phase.NAME]["phase"]["phase"], projections[phase.NAME]["phase"]["since"]
    return {"phase": current,
            "patrols": patrols.status_rows(venue, current, started, projections[patrols.NAME], now),
            "alerts": alerts.open_alerts(projections[alerts.NAME])}


def test_snapshot_plus_later_events_equals_a_fresh_snapshot(ctx, people):
    gus, otto, chief = people["gus"], people["otto"], people["chief"]
    gus.post("/api/v1/checkins", {"checkpoint_id": "E2", "status": "clear"})
    check_overdue(ctx, since(ctx) + dt.timedelta(minutes=31))
    snap = flat(otto.get("/api/v1/state"))
    # the world moves on after the snapshot
    first_alert = snap["alerts"][0]["alert_id"]
    otto.post(f"/api/v1/alerts/{first_alert}/acknowledge", {})
    chief.post("/api/v1/phase", {"phase": "in_session", "override_reason": "test arranged without inspections"})
    people["gail"].post("/api/v1/checkins", {"checkpoint_id": "E3", "status": "issue", "note": "lock broken"})
    gus.post("/api/v1/checkins", {"checkpoint_id": "E2", "status": "clear"})
    check_overdue(ctx, ev.utc_now() + dt.timedelta(minutes=16))
    later = otto.get(f"/api/v1/events?after={snap['cursor']}&limit=1000")["events"]
    assert later and ev.id_key(later[0]["id"]) > ev.id_key(snap["cursor"])
    fresh = flat(otto.get("/api/v1/state"))
    assert fresh["cursor"] == later[-1]["id"]
    # fold the events after the snapshot's cursor onto the snapshot, as a reconnecting client would
    state = as_projections(snap)
    for event in later:
        for fold in (phase, patrols, alerts):
            state[fold.NAME].update(fold.apply(state[fold.NAME], event))
    folded = view(ctx.venue, state, ev.parse_iso(fresh["server_time"]))
    by_id = lambda rows, key: {r[key]: r for r in rows}  # noqa: E731 — sections are keyed, not ordered
    assert folded["phase"] == fresh["phase"]
    assert by_id(folded["patrols"], "checkpoint_id") == by_id(fresh["patrols"], "checkpoint_id")
    assert by_id(folded["alerts"], "alert_id") == by_id(fresh["alerts"], "alert_id")
    assert fresh["phase"] == "in_session" and first_alert not in [a["alert_id"] for a in fresh["alerts"]]
    assert len(fresh["alerts"]) > len(snap["alerts"]) - 1  # the later overdue marks are in both
    assert {r["checkpoint_id"]: r["last_guard"] for r in fresh["patrols"] if r["last_guard"]} == \
        {"E2": "gus", "E3": "gail"}
