"""The pure folds (state is a fold of events, DESIGN §1.5), missed windows and patrol status rows."""
import datetime as dt
import pathlib
import types

import pytest

from server.merge import IfNewer
from server import ledger
from server.activity import Fold as activity
from server.alerts import fold as alerts
from server.concepts import REGISTRY
from server.patrols import fold as patrols
from server.phase import fold as phase
from server import events as ev
from server.venue import load_venue

ROOT = pathlib.Path(__file__).resolve().parents[2]
T0 = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.timezone.utc)
GUARD = {"username": "gus", "role": "guard"}
OPERATOR = {"username": "otto", "role": "operator"}
SYSTEM = ev.SYSTEM_ACTOR


@pytest.fixture(scope="module")
def venue():
    return load_venue(ROOT / "venues" / "default.yaml")


def at(minutes):
    """Return T0 plus some minutes."""
    return T0 + dt.timedelta(minutes=minutes)


def stored(n, type_, data, actor=GUARD, minute=0, observed_at=None):
    """Return an event as read back from the stream."""
    event = {"id": f"{int(at(minute).timestamp() * 1000)}-{n}", "type": type_, "ts": ev.iso(at(minute)),
             "actor": dict(actor), "data": data, "_locations": []}
    if observed_at:
        event["observed_at"] = observed_at
    return event


def checkin(n, cp, minute, actor=GUARD, status="clear", observed_at=None):
    """Return a stored check-in."""
    return stored(n, patrols.CHECKIN, {"checkpoint_id": cp, "status": status, "note": ""}, actor, minute, observed_at)


def overdue(n, cp, due_minute, minute):
    """Return a stored overdue mark."""
    return stored(n, patrols.OVERDUE, {"checkpoint_id": cp, "due_at": ev.iso(at(due_minute)),
                                         "interval_min": 30, "phase": "pre_event"}, SYSTEM, minute)


def raised(n, alert_id, minute, cp="E1"):
    """Return a stored alert.raised."""
    return stored(n, alerts.RAISED, {"alert_id": alert_id, "kind": "patrol_overdue", "checkpoint_id": cp,
                                       "due_at": ev.iso(at(minute - 1)), "severity": 2}, SYSTEM, minute)


def acked(n, alert_id, minute, actor=OPERATOR):
    """Return a stored alert.acknowledged."""
    return stored(n, alerts.ACKNOWLEDGED, {"alert_id": alert_id}, actor, minute)


def phase_changed(n, to, minute, previous=None):
    """Return a stored phase.changed."""
    return stored(n, phase.CHANGED, {"phase": to, "previous": previous}, SYSTEM, minute)


def test_patrols_fold_a_checkin():
    event = checkin(1, "E1", 5)
    assert patrols.apply({}, event) == {"E1": {"checkpoint_id": "E1", "last_checkin_at": ev.iso(at(5)),
                                                "last_guard": "gus", "last_status": "clear",
                                                "last_event_id": event["id"]}}


def test_patrols_fold_prefers_observed_at():
    seen = ev.iso(at(-20))
    assert patrols.apply({}, checkin(1, "C1", 5, observed_at=seen))["C1"]["last_checkin_at"] == seen


def test_patrols_fold_an_overdue_mark_keeps_the_last_checkin():
    first = patrols.apply({}, checkin(1, "E1", 0))
    marked = patrols.apply(first, overdue(2, "E1", 30, 31))["E1"]
    assert marked["overdue_due_at"] == ev.iso(at(30))
    assert marked["last_guard"] == "gus" and marked["last_checkin_at"] == ev.iso(at(0))
    assert first["E1"].get("overdue_due_at") is None  # the fold does not mutate its input
    # an overdue checkpoint that was never visited
    assert patrols.apply({}, overdue(3, "C5", 60, 61)) == {"C5": {"checkpoint_id": "C5", "overdue_due_at": ev.iso(at(60))}}
    # the next check-in clears the mark
    assert "overdue_due_at" not in patrols.apply({"E1": marked}, checkin(4, "E1", 40))["E1"]


def test_patrols_fold_ignores_other_events():
    assert patrols.apply({}, phase_changed(1, "in_session", 0)) == {}
    assert patrols.apply({}, raised(1, "a1", 0)) == {}


def test_alerts_fold_raise_and_acknowledge():
    state = alerts.apply({}, raised(1, "a1", 31))
    entry = state["a1"]
    assert entry["status"] == "open" and entry["raised_at"] == ev.iso(at(31))
    assert entry["raised_event_id"] == raised(1, "a1", 31)["id"] and entry["checkpoint_id"] == "E1"
    done = alerts.apply(state, acked(2, "a1", 35))["a1"]
    assert done["status"] == "acknowledged" and done["acknowledged_by"] == "otto"
    assert done["acknowledged_at"] == ev.iso(at(35)) and done["raised_at"] == entry["raised_at"]
    assert state["a1"]["status"] == "open"  # input not mutated
    assert alerts.apply({}, acked(3, "ghost", 36)) == {}  # acknowledging nothing changes nothing
    assert alerts.apply(state, checkin(4, "E1", 37)) == {}


def test_open_alerts_most_severe_then_oldest_first_and_only_open():
    state = {}
    for n, (alert_id, minute) in enumerate((("a", 10), ("b", 30), ("c", 20), ("d", 25))):
        state.update(alerts.apply(state, raised(n, alert_id, minute)))
    state["d"] = {**state["d"], "severity": 1}
    state.update(alerts.apply(state, acked(9, "b", 40)))
    assert [a["alert_id"] for a in alerts.open_alerts(state)] == ["d", "a", "c"]
    assert alerts.open_alerts({}) == []


def test_phase_fold():
    event = phase_changed(1, "in_session", 3, previous="pre_event")
    assert phase.apply({}, event) == {"phase": {"phase": "in_session", "since": ev.iso(at(3)), "event_id": event["id"]}}
    assert phase.apply({}, checkin(2, "E1", 4)) == {}


def test_activity_fold_tracks_guards_only():
    assert activity.apply({}, checkin(1, "E1", 7)) == {"gus": {"username": "gus", "last_seen_at": ev.iso(at(7))}}
    assert activity.apply({}, acked(2, "a1", 8)) == {}
    assert activity.apply({}, phase_changed(3, "closed", 9)) == {}


def test_touches_names_every_entry_whose_outcome_depends_on_state():
    """A fold may skip reading an entry only if it writes it with IfNewer (no read-modify-write)."""
    history = [phase_changed(0, "pre_event", 0), checkin(1, "E1", 1), overdue(2, "C3", 60, 61),
               raised(3, "a1", 61), acked(4, "a1", 62, actor=OPERATOR), checkin(5, "C2", 63, actor=OPERATOR)]
    for fold in REGISTRY.folds:
        for event in history:
            for fld, value in fold.apply({}, event).items():
                assert fld in fold.touches(event) or isinstance(value, IfNewer), (fold.NAME, event["type"])


def test_a_late_checkin_never_moves_the_last_checkin_back():
    """Folding a newer then an older check-in keeps the newer one, in any delivery order."""
    newer, older = checkin(2, "E1", 30), checkin(3, "E1", 10)
    state = ledger.fold_all(REGISTRY.folds, [newer, older])
    assert state["patrols"]["E1"]["last_checkin_at"] == ev.iso(at(30))


def test_fold_all_replays_history():
    history = [phase_changed(0, "pre_event", 0), checkin(1, "E1", 1), checkin(2, "E1", 10, actor=OPERATOR),
               overdue(3, "C1", 30, 31), raised(4, "a1", 31, cp="C1"), acked(5, "a1", 33),
               phase_changed(6, "in_session", 40, previous="pre_event"), checkin(7, "C1", 41)]
    state = ledger.fold_all(REGISTRY.folds, history)
    assert set(state) == {fold.NAME for fold in REGISTRY.folds}
    assert state["meta"]["phase"]["phase"] == "in_session" and state["meta"]["phase"]["since"] == ev.iso(at(40))
    assert state["patrols"]["E1"]["last_guard"] == "otto"
    assert state["patrols"]["C1"]["last_checkin_at"] == ev.iso(at(41))
    assert "overdue_due_at" not in state["patrols"]["C1"]
    assert state["alerts"]["a1"]["status"] == "acknowledged"
    assert state["activity"] == {"gus": {"username": "gus", "last_seen_at": ev.iso(at(41))}}
    assert ledger.fold_all(REGISTRY.folds, []) == {fold.NAME: {} for fold in REGISTRY.folds}
    # folding in two halves gives the same state as folding at once (snapshot + later events)
    half = ledger.fold_all(REGISTRY.folds, history[:4])
    for event in history[4:]:
        for fold in REGISTRY.folds:
            half[fold.NAME].update(fold.apply(half[fold.NAME], event))
    assert half == state


def test_fold_all_deletes_fields_a_fold_sets_to_none():
    forget = types.SimpleNamespace(NAME="notes", apply=lambda state, e: {e["data"]["k"]: e["data"].get("v")})
    events = [stored(1, "x", {"k": "a", "v": 1}), stored(2, "x", {"k": "b", "v": 2}), stored(3, "x", {"k": "a"})]
    assert ledger.fold_all([forget], events) == {"notes": {"b": 2}}


def test_missed_window_edges():
    step = 30
    base = ev.iso(at(0))
    assert patrols.missed_window({}, None, base, at(500)) is None  # not patrolled in this phase
    assert patrols.missed_window({}, step, None, at(500)) is None  # no phase start, never visited
    assert patrols.missed_window(None, step, base, at(29)) is None
    assert patrols.missed_window({}, step, base, at(30)) is None  # due now is not yet missed
    assert patrols.missed_window({}, step, base, at(30) + dt.timedelta(milliseconds=1)) == at(30)
    assert patrols.missed_window({}, step, base, at(95)) == at(90)  # the latest missed window
    entry = {"last_checkin_at": ev.iso(at(40))}
    assert patrols.missed_window(entry, step, base, at(65)) is None  # the check-in restarted the clock
    assert patrols.missed_window(entry, step, base, at(71)) == at(70)
    flagged = dict(entry, overdue_due_at=ev.iso(at(70)))
    assert patrols.missed_window(flagged, step, base, at(99)) is None  # already flagged
    assert patrols.missed_window(flagged, step, base, at(101)) == at(100)  # the next window
    # a never-visited checkpoint counts from the phase start
    assert patrols.missed_window({"overdue_due_at": ev.iso(at(30))}, step, base, at(45)) is None


def test_status_rows(venue):
    entries = {"E1": {"checkpoint_id": "E1", "last_checkin_at": ev.iso(at(10)), "last_guard": "gus",
                      "last_status": "issue"}}
    rows = {r["checkpoint_id"]: r for r in patrols.status_rows(venue, "pre_event", ev.iso(at(0)), entries, at(35))}
    assert list(rows) == [cp.id for cp in venue.checkpoints]
    assert rows["E1"] == {"checkpoint_id": "E1", "last_checkin_at": ev.iso(at(10)), "last_guard": "gus",
                          "last_status": "issue", "interval_min": 30, "due_at": ev.iso(at(40)), "overdue": False}
    assert rows["E2"]["due_at"] == ev.iso(at(30)) and rows["E2"]["overdue"] is True  # from the phase start
    assert rows["E2"]["last_checkin_at"] is None and rows["E2"]["last_guard"] is None
    assert rows["C3"]["interval_min"] == 60 and rows["C3"]["overdue"] is False
    in_session = {r["checkpoint_id"]: r for r in patrols.status_rows(venue, "in_session", ev.iso(at(0)), entries, at(35))}
    assert in_session["E1"]["due_at"] == ev.iso(at(25)) and in_session["E1"]["overdue"] is True
    closed = {r["checkpoint_id"]: r for r in patrols.status_rows(venue, "closed", ev.iso(at(0)), entries, at(999))}
    assert closed["C3"] == {"checkpoint_id": "C3", "last_checkin_at": None, "last_guard": None, "last_status": None,
                            "interval_min": None, "due_at": None, "overdue": False}
    assert closed["C8"]["interval_min"] == 120 and closed["C8"]["overdue"] is True
    unknown_start = patrols.status_rows(venue, "pre_event", None, {}, at(999))
    assert all(r["due_at"] is None and r["overdue"] is False for r in unknown_start)


def test_status_rows_exactly_at_the_due_time_is_not_overdue(venue):
    rows = {r["checkpoint_id"]: r for r in patrols.status_rows(venue, "pre_event", ev.iso(at(0)), {}, at(30))}
    assert rows["E1"]["overdue"] is False
