"""The visitors' roll after clearance: a late check-out keeps when they left, a visitor who left
unrecorded leaves the roll, and the clearance verdict is cleared only with nobody on it (pure)."""
from server.clearance.service import on_roll, verdict
from server.visitors import fold


def event(kind, data, ts, eid, observed_at=None):
    """Return a committed event envelope."""
    env = {"type": kind, "data": data, "ts": ts, "id": eid, "actor": {"username": "olga", "role": "operator"}}
    return {**env, "observed_at": observed_at} if observed_at else env


def registered(visitor_id="v1"):
    """Return the visitors' state after one registration."""
    data = {"visitor_id": visitor_id, "name": "林晚", "entrance_id": "E1", "purpose": "x"}
    return fold.apply({}, event(fold.REGISTERED, data, "2026-12-03T08:00:00.000Z", "1-0"))


def test_a_late_check_out_records_when_they_left_not_when_it_was_entered():
    state = registered()
    data = {"visitor_id": "v1", "name": "林晚", "entrance_id": "E2", "late": True}
    entry = fold.apply(state, event(fold.CHECKED_OUT, data, "2026-12-03T12:00:00.000Z", "2-0",
                                    observed_at="2026-12-03T10:30:00.000Z"))["v1"]
    assert not entry["on_site"] and entry["checked_out_at"] == "2026-12-03T10:30:00.000Z"
    assert entry["checked_out_late"] and entry["exit_entrance_id"] == "E2"


def test_left_unrecorded_takes_the_visitor_off_the_roll_once_and_the_purge_counts_from_it():
    state = registered()
    data = {"visitor_id": "v1", "name": "林晚", "entrance_id": "E1", "note": ""}
    state.update(fold.apply(state, event(fold.LEFT_UNRECORDED, data, "2026-12-03T12:00:00.000Z", "2-0")))
    assert not state["v1"]["on_site"] and state["v1"]["left_unrecorded_at"] == "2026-12-03T12:00:00.000Z"
    assert state["v1"]["checked_out_at"] is None
    assert fold.apply(state, event(fold.LEFT_UNRECORDED, data, "2026-12-03T13:00:00.000Z", "3-0")) == {}
    assert fold.purgeable(state, "2026-12-03T11:00:00.000Z") == []  # left after the horizon: kept
    assert fold.purgeable(state, "2026-12-04T00:00:00.000Z") == ["v1"]


def test_the_round_is_cleared_only_when_every_zone_is_clear_and_nobody_is_on_the_roll():
    roll = {"a": {"on_site": True}, "b": {"on_site": False}, "c": None}
    assert on_roll(roll) == 1
    assert verdict({}, 0) == "none"
    assert verdict({"round_id": "r"}, 0) == "sweeping"
    assert verdict({"round_id": "r", "completed_at": "t"}, 1) == "zones_clear_visitors_left"
    assert verdict({"round_id": "r", "completed_at": "t"}, 0) == "cleared"
