"""Inspections, hazards and readiness: the folds and the board against scripted sequences, and
the venue file's new keys."""
import copy
import datetime as dt

import pytest
import yaml

from server import events as ev, ledger
from server.inspections import fold
from server.inspections.readiness import board
from server.inspections.settings import hazard_rule, local_day
from server.venue import DEFAULT_PATH, VenueError, load_venue, venue_from_dict

VENUE = load_venue()
T0 = dt.datetime(2026, 5, 16, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Shanghai


def at(minutes):
    """Return the ISO time `minutes` after T0."""
    return ev.iso(T0 + dt.timedelta(minutes=minutes))


def event(n, kind, minutes, data, actor=("li", "guard")):
    """Return a stored event."""
    return {"id": f"{int((T0 + dt.timedelta(minutes=minutes)).timestamp() * 1000)}-{n}", "type": kind,
            "ts": at(minutes), "actor": {"username": actor[0], "role": actor[1]}, "data": data}


def inspected(n, checklist, area, minutes, failed=(), day="2026-05-16"):
    """Return an inspection.recorded event (failures named in `failed`)."""
    items = [i.id for i in VENUE.find("checklists", checklist).items]
    return event(n, fold.RECORDED, minutes, {
        "inspection_id": f"i{n}", "checklist_id": checklist, "area_id": area, "day": day,
        "results": [{"item_id": i, "ok": i not in failed, "note": "bad" if i in failed else "", "photo_ids": []}
                    for i in items], "failed": list(failed), "hazard_ids": [f"h{n}-{i}" for i in failed]})


def opened(n, checklist, area, item, minutes, critical):
    """Return a hazard.opened event."""
    return event(n, fold.OPENED, minutes, {
        "hazard_id": f"h{n}", "inspection_id": "i", "checklist_id": checklist, "item_id": item, "area_id": area,
        "critical": critical, "severity": "critical" if critical else "normal", "note": "bad", "photo_ids": []})


def rectified(n, hazard_id, minutes, on_spot=True):
    """Return a hazard.rectified event."""
    return event(n, fold.RECTIFIED, minutes, {"hazard_id": hazard_id, "note": "fixed", "photo_ids": [],
                                              "minutes_open": 5.0, "fixed_on_spot": on_spot, "threshold_min": 30.0},
                 actor=("chen", "operator"))


def folded(events):
    """Fold events from nothing with the inspection folds."""
    return ledger.fold_all(fold.FOLDS, events)


def test_a_hazard_is_opened_assigned_alerted_and_rectified():
    state = folded([opened(1, "elevators", "lobby", "doors", 0, False),
                    event(2, fold.ASSIGNED, 1, {"hazard_id": "h1", "assignee": "wang"}, ("chen", "operator")),
                    event(3, fold.ALERT_RAISED, 61, {"alert_id": "hazard-h1", "kind": fold.HAZARD_ALERT,
                                                     "hazard_id": "h1", "severity": 3}, ("system", "system")),
                    rectified(4, "h1", 70, on_spot=False)])
    h = state["hazards"]["h1"]
    assert (h["status"], h["assignee"], h["alerted_at"], h["rectified_at"], h["rectified_by"]) == \
        ("rectified", "wang", at(61), at(70), "chen")
    assert h["fixed_on_spot"] is False and h["opened_by"] == "li" and h["opened_at"] == at(0)


def test_actions_on_an_unknown_hazard_and_other_alerts_change_nothing():
    assert folded([rectified(1, "nope", 0), event(2, fold.ALERT_RAISED, 1, {"alert_id": "a", "kind": "patrol_overdue",
                                                                           "severity": 2})])["hazards"] == {}


def cells(b, state):
    """Return the keys of the board's cells in a state."""
    return [f"{c['checklist_id']}@{c['area_id']}" for c in b["cells"] if c["state"] == state]


def test_the_board_counts_today_only_and_waits_for_hazards_and_critical_ones():
    state = folded([inspected(1, "hvac", "lobby", 0), inspected(2, "hvac", "main_hall", -24 * 60, day="2026-05-15"),
                    inspected(3, "elevators", "lobby", 5, failed=("doors",)),
                    opened(4, "elevators", "lobby", "doors", 5, False),
                    opened(5, "fire_equipment", "parking", "hydrants", 6, True)])
    b = board(VENUE, state, T0 + dt.timedelta(minutes=10))
    assert b["day"] == "2026-05-16" and cells(b, "passed") == ["hvac@lobby"]
    assert cells(b, "open_hazards") == ["elevators@lobby", "fire_equipment@parking"]
    assert not b["ready"] and [m["key"] for m in b["missing"] if m["code"] == "critical_hazard"] == ["hazard:h5"]
    assert len(b["missing"]) == 34 - 1 + 1  # every required cell but hvac@lobby, and the critical hazard
    state = ledger.fold_all(fold.FOLDS, [rectified(6, "h4", 12), rectified(7, "h5", 13)], state)
    b = board(VENUE, state, T0 + dt.timedelta(minutes=14))
    assert cells(b, "passed") == ["hvac@lobby", "elevators@lobby"] and len(b["missing"]) == 32
    assert "fire_equipment@parking" in cells(b, "not_inspected")  # a fixed hazard is no inspection


def test_every_required_cell_passed_is_ready_and_an_override_shows_for_its_day_only():
    events = [inspected(n, c.id, a, 1) for n, (c, a) in enumerate((c, a) for c in VENUE.checklists for a in c.areas)]
    events.append(event(99, fold.OVERRIDE, 2, {"phase": "in_session", "previous": "pre_event",
                                               "override_reason": "minister early", "overridden": ["x@y"]},
                        ("chief", "commander")))
    state = folded(events)
    today = board(VENUE, state, T0 + dt.timedelta(minutes=3))
    assert today["ready"] and today["missing"] == []
    assert today["override"] == {"reason": "minister early", "missing": ["x@y"], "phase": "in_session",
                                 "at": at(2), "by": "chief"}
    tomorrow = board(VENUE, state, T0 + dt.timedelta(days=1))
    assert tomorrow["override"] is None and not tomorrow["ready"]


def test_the_venue_day_is_local():
    assert local_day(VENUE, dt.datetime(2026, 5, 15, 16, 30, tzinfo=dt.timezone.utc)) == "2026-05-16"
    assert local_day(VENUE, dt.datetime(2026, 5, 15, 15, 59, tzinfo=dt.timezone.utc)) == "2026-05-15"


def raw():
    """Return the default venue file as parsed YAML."""
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_the_default_venue_requires_every_checklist_and_marks_critical_items():
    assert all(c.required for c in VENUE.checklists)
    critical = {i.id for c in VENUE.checklists for i in c.items if i.critical}
    assert {"backup_power", "emergency_lighting", "alarm_intercom", "extinguishers"} <= critical
    assert (hazard_rule(VENUE, "fixed_on_spot_min"), hazard_rule(VENUE, "alert_after_min")) == (30, 60)
    doc = raw()
    del doc["hazard_rules"]
    assert hazard_rule(venue_from_dict(doc), "alert_after_min") == 60  # the default


@pytest.mark.parametrize("change,where", [
    (lambda d: d["checklists"][0]["items"][0].update(critical="yes"), "checklists[0].items[0].critical"),
    (lambda d: d["checklists"][0].update(required=1), "checklists[0].required"),
    (lambda d: d["checklists"][0]["items"][0].update(critcal=True), "checklists[0].items[0].critcal"),
    (lambda d: d.update(hazard_rules={"alert_after_min": 0}), "hazard_rules.alert_after_min"),
    (lambda d: d.update(hazard_rules={"alert_after": 5}), "hazard_rules.alert_after"),
    (lambda d: d.update(hazard_rules=[30]), "hazard_rules"),
])
def test_bad_inspection_settings_stop_the_load_naming_the_key(change, where):
    doc = copy.deepcopy(raw())
    change(doc)
    with pytest.raises(VenueError) as refused:
        venue_from_dict(doc)
    assert f"{where}: " in str(refused.value)
