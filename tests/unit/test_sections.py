"""The wall's sections from the server's folds: the fold vectors of the deleted fold.js, as Python tests.

Each case is one of the 19 vectors (tests/fixtures/fold_vectors at c1e527d): a history of stored
events up to the shared snapshot's cursor (02:00 on 2026-05-16, in session since 01:50, C1's
overdue alert open), the events stored after it, the wall's clock `now`, and what the wall shows.
Two paths must give it: the snapshot (every stored event folded with `ledger.fold_all`, rows from
`snapshot.rows_of` at `now`: what /api/v1/state answers) and the live one (`Screens` at the
cursor, advanced by the batch: its patches applied to the earlier rows are what a page holds).
Expectations are reasoned from the rules in the vectors' README, never pasted from the code.
Case 20 is new (the hour of check-ins is a window on the clock). Where the page judges by its own
clock (overdue strictly after due_at; check-in minutes at most an hour old) the live wall is judged
so too; the sections that change with the clock alone (patrols, check-ins, guards active) are
declared `timed` and recomputed with every batch, so the live rows are the snapshot's rows.

Dropped: vector 08 (events at or before the cursor) and the re-sent frames of 15, 17 and 19. The
stream holds each event once and the tailer reads strictly after its position, so `Screens` never
sees one twice; a page that receives a frame again sets the same rows from its patches again.
"""
import copy
import datetime as dt
import types
from dataclasses import dataclass, field

import pytest

from server import events as ev
from server import ledger, snapshot
from server.concepts import registry
from server.screens import Screens
from server.venue import load_venue
from support import VENUE

DAY = "2026-05-16T"
CURSOR_AT = DAY + "02:00:00.000Z"  # the shared snapshot's server time; its cursor is zhang's E1 check-in
PATROL_KEYS = ("last_checkin_at", "last_guard", "last_status", "interval_min", "due_at", "overdue")
SYSTEM = {"username": "system", "role": "system"}
OTTO = {"username": "otto", "role": "operator"}
ADMIN = {"username": "admin", "role": "admin"}
C1_ALERT = "overdue-C1-1778896080000"


def t(hms):
    """Return an ISO time of the vectors' day, from "HH:MM:SS" or "HH:MM:SS.mmm"."""
    return DAY + hms + ("Z" if "." in hms else ".000Z")


def guard(name):
    """Return a guard actor."""
    return {"username": name, "role": "guard"}


def stored(type_, hms, actor, data, seq=0, observed=None):
    """Return an event as the stream holds it: its id is its commit time (here its ts) and a sequence."""
    ts = t(hms)
    event = {"id": f"{int(ev.parse_iso(ts).timestamp() * 1000)}-{seq}", "type": type_, "v": 1, "ts": ts,
             "actor": dict(actor), "data": data}
    if observed:
        event["observed_at"] = t(observed)
    return event


def checkin(hms, who, cp, status="clear", observed=None, actor=None):
    """Return a stored check-in."""
    return stored("patrol.checkin", hms, actor or guard(who), {"checkpoint_id": cp, "status": status, "note": ""},
                  observed=observed)


def overdue(hms, cp, due, interval):
    """Return the overdue timer's mark of a missed window."""
    return stored("patrol.overdue", hms, SYSTEM, {"checkpoint_id": cp, "due_at": t(due), "interval_min": interval,
                                                  "phase": "in_session"})


def raised(hms, alert_id, seq=1, **data):
    """Return an alert raised (in the same commit as what caused it: sequence 1)."""
    return stored("alert.raised", hms, SYSTEM, {"alert_id": alert_id, **data}, seq=seq)


def gate_alert(hms, cp, due, severity=2):
    """Return a patrol_overdue alert raised with its overdue mark."""
    due_ms = int(ev.parse_iso(t(due)).timestamp() * 1000)
    return raised(hms, f"overdue-{cp}-{due_ms}", kind="patrol_overdue", checkpoint_id=cp, due_at=t(due),
                  severity=severity)


def acknowledged(hms, alert_id):
    """Return an operator's acknowledgement."""
    return stored("alert.acknowledged", hms, OTTO, {"alert_id": alert_id})


def phase(hms, to, previous, actor=None):
    """Return a phase change (by the commander chen unless said otherwise)."""
    return stored("phase.changed", hms, actor or {"username": "chen", "role": "commander"},
                  {"phase": to, "previous": previous})


def history(second_phase="in_session"):
    """Return the shared snapshot's stored events, up to and including its cursor (01:55)."""
    return [phase("01:25:00", "pre_event", None, SYSTEM),
            checkin("01:28:00", "zhao", "C1"), checkin("01:30:00", "li", "E2"), checkin("01:48:00", "zhao", "C2"),
            phase("01:50:00", second_phase, "pre_event"),
            overdue("01:50:02", "E2", "01:45:00", 15.0), gate_alert("01:50:02", "E2", "01:45:00"),
            overdue("01:50:03", "C1", "01:48:00", 20.0), gate_alert("01:50:03", "C1", "01:48:00", severity=3),
            checkin("01:50:30", "wang", "E3", "issue"),
            acknowledged("01:52:00", "overdue-E2-1778895900000"),
            checkin("01:55:00", "zhang", "E1")]


def history_with(*extra, second_phase="in_session"):
    """Return the shared history with more stored events before the snapshot, in stream order."""
    return sorted([*history(second_phase), *extra], key=lambda e: ev.id_key(e["id"]))


def registered(hms, who, visitor_id, name, entrance, **extra):
    """Return a visitor registered at a gate (personal fields as the folds read them, opened)."""
    data = {"visitor_id": visitor_id, "name": name, "id_type": "passport", "id_masked": "E1234****5678",
            "purpose": "meeting", "entrance_id": entrance, **extra}
    return stored("visitor.registered", hms, guard(who), data)


def vehicle(type_, hms, who, plate, entrance, kind, seq=0, **extra):
    """Return a vehicle in or out through a gate."""
    return stored(type_, hms, guard(who), {"plate": plate, "kind": kind, "entrance_id": entrance, **extra}, seq=seq)


def confirmed(hms, who, zone, people=0, round_id="1778896200000-0", note="", seq=0):
    """Return a zone swept in a clearance round (by default the one opened at 01:50)."""
    return stored("clearance.zone_confirmed", hms, guard(who),
                  {"round_id": round_id, "zone_id": zone, "people_found": people, "note": note}, seq=seq)


def results(*items, failed=()):
    """Return an inspection's answers: every item passed but those failed."""
    return [{"item_id": i, "ok": i not in failed, "note": "no answer" if i in failed else "", "photo_ids": []}
            for i in items]


A1_ON_SITE = registered("01:40:00", "wang", "a1", "张三", "E1", plate="京A12345", badge="V-007")
DELEGATE_CAR = vehicle("vehicle.entered", "01:50:00", "zhao", "京A12345", "E2", "delegate", seq=1, pass_id="P-1")
# The round opened by the phase change into post_event at 01:50: five zones cleared, cooks in the canteen.
SWEPT = [*(confirmed("01:55:00", "li", z, seq=n) for n, z in enumerate(("outer_perimeter", "lobby", "main_hall",
                                                                          "meeting_rooms", "press_area"), 1)),
         confirmed("01:56:00", "wang", "canteen_kitchen", people=2, note="two cooks")]
INSPECTIONS = [
    stored("inspection.recorded", "02:01:00", guard("li"), {
        "inspection_id": "i1", "checklist_id": "hvac", "area_id": "lobby", "day": "2026-05-16",
        "results": results("chiller", "air_handlers", "temperature", "condensate", "filters"),
        "failed": [], "hazard_ids": []}),
    stored("inspection.recorded", "02:01:10", guard("li"), {
        "inspection_id": "i2", "checklist_id": "elevators", "area_id": "lobby", "day": "2026-05-16",
        "results": results("certificate", "alarm_intercom", "doors", "ride", failed=("alarm_intercom",)),
        "failed": ["alarm_intercom"], "hazard_ids": ["h1"]}),
    stored("hazard.opened", "02:01:10", guard("li"), {
        "hazard_id": "h1", "inspection_id": "i2", "checklist_id": "elevators", "item_id": "alarm_intercom",
        "area_id": "lobby", "critical": True, "severity": "critical", "note": "no answer", "photo_ids": []}, seq=1)]


def gate(due, interval=15, last=None, by=None, status="clear", overdue_=False):
    """Return what a checkpoint's row shows (`last`: its last check-in time)."""
    return {"last_checkin_at": last and t(last), "last_guard": by, "last_status": last and status,
            "interval_min": interval, "due_at": due and t(due), "overdue": overdue_}


def checkins(*minutes):
    """Return the check-ins per minute recorded ("HH:MM"): the history's, and one more per minute given."""
    out = {"01:28": 1, "01:30": 1, "01:48": 1, "01:50": 1, "01:55": 1}
    for minute in minutes:
        out[minute] = out.get(minute, 0) + 1
    return out


# What the shared snapshot's wall shows that most cases leave alone.
QUIET = {"phase": "in_session", "alerts": [C1_ALERT], "guards_active": ["wang", "zhang", "zhao"],
         "checkins": checkins(), "visitors": [], "vehicles": [], "vehicles_on_site": {}, "hazards": [],
         "clearance": {"open": False, "cleared": [], "venue_cleared": False, "swept_again": {}},
         "readiness": {"ready": False, "missing": 34, "passed": [], "open_hazards": []}}
E1 = gate("02:10:00", last="01:55:00", by="zhang")
ALL_GUARDS = ["li", "wang", "zhang", "zhao"]


@dataclass
class Case:
    """One vector: history up to the cursor, events stored after it, the clock, and the wall."""

    id: str
    events: list
    now: str
    expect: dict
    history: list = field(default_factory=history)
    quiet: bool = False  # the batch changes no row at all

    def wall(self):
        """Return the full expected wall: the shared snapshot's, with this case's differences."""
        return {**QUIET, **self.expect}


CASES = [
    Case("01 a check-in", [checkin("02:01:00", "li", "E4")], "02:02:00",
         {"patrols": {"E4": gate("02:16:00", last="02:01:00", by="li"), "E5": gate("02:05:00"), "E1": E1},
          "guards_active": ALL_GUARDS, "checkins": checkins("02:01")}),
    Case("02 a late outbox check-in keeps the newer one, counts by stream id",
         [checkin("02:01:00", "wang", "E1", observed="00:50:00"), checkin("02:01:30", "li", "E3", observed="01:58:00")],
         "02:02:00", {"patrols": {"E1": E1, "E3": gate("02:13:00", last="01:58:00", by="li")},
                      "guards_active": ALL_GUARDS, "checkins": checkins("02:01", "02:01")}),
    Case("03 overdue marks then a check-in",
         [overdue("02:05:02", "E4", "02:05:00", 15.0), gate_alert("02:05:02", "E4", "02:05:00"),
          overdue("02:05:03", "E5", "02:05:00", 15.0), gate_alert("02:05:03", "E5", "02:05:00"),
          checkin("02:07:00", "zhao", "E4")], "02:08:00",
         {"patrols": {"E4": gate("02:22:00", last="02:07:00", by="zhao"), "E5": gate("02:05:00", overdue_=True),
                      "E3": gate("02:05:30", last="01:50:30", by="wang", status="issue", overdue_=True)},
          "alerts": ["overdue-E5-1778897100000", "overdue-E4-1778897100000", C1_ALERT],
          "guards_active": ["zhang", "zhao"], "checkins": checkins("02:07")}),
    Case("04 an alert raised then acknowledged",
         [overdue("02:05:02", "E4", "02:05:00", 15.0), gate_alert("02:05:02", "E4", "02:05:00"),
          acknowledged("02:06:00", "overdue-E4-1778897100000")], "02:07:00",
         {"patrols": {"E4": gate("02:05:00", overdue_=True)}, "guards_active": ["zhang"]}),
    Case("05 acknowledging an unknown or acknowledged alert changes nothing",
         [acknowledged("02:01:00", "overdue-E9-1778893200000"), acknowledged("02:01:10", "overdue-E2-1778895900000")],
         "02:01:30", {"patrols": {"E2": gate("01:45:00", last="01:30:00", by="li", overdue_=True)}}, quiet=True),
    Case("06 closing: longer intervals, some checkpoints off", [phase("02:01:00", "closed", "in_session")], "02:02:00",
         {"phase": "closed",
          "patrols": {"E2": gate("02:30:00", 60, last="01:30:00", by="li"),
                      "C1": gate(None, None, last="01:28:00", by="zhao"), "C3": gate(None, None),
                      "C8": gate("04:01:00", 120), "E4": gate("03:01:00", 60)}}),
    Case("07 phase changes restart windows",
         [phase("02:01:00", "pre_event", "in_session"), phase("02:03:00", "in_session", "pre_event")], "02:04:00",
         {"patrols": {"E4": gate("02:18:00"), "E2": gate("01:45:00", last="01:30:00", by="li", overdue_=True),
                      "C2": gate("02:08:00", 20, last="01:48:00", by="zhao"), "C3": gate("02:33:00", 30)},
          "guards_active": ["wang", "zhang"]}),
    Case("09 account events change nothing",
         [stored("user.created", "02:01:00", ADMIN, {"username": "sun", "role": "guard"}),
          stored("user.disabled", "02:01:10", ADMIN, {"username": "zhang"}),
          stored("user.password_reset", "02:01:20", ADMIN, {"username": "wang"}),
          stored("user.signed_out", "02:01:30", ADMIN, {"username": "admin", "session": "3f1c9a0b"})],
         "02:01:40", {"patrols": {"E1": E1}}, quiet=True),
    Case("10 a guard is inactive 15 min and 1 ms after their last deed", [acknowledged("02:04:00", C1_ALERT)],
         "02:05:30.001", {"patrols": {"E3": gate("02:05:30", last="01:50:30", by="wang", status="issue", overdue_=True),
                                      "E4": gate("02:05:00", overdue_=True)},
                          "alerts": [], "guards_active": ["zhang"]}),
    Case("11 exactly 15 min is still active, exactly due is not yet overdue", [acknowledged("02:04:00", C1_ALERT)],
         "02:05:30", {"patrols": {"E3": gate("02:05:30", last="01:50:30", by="wang", status="issue"),
                                  "E4": gate("02:05:00", overdue_=True)},
                      "alerts": [], "guards_active": ["wang", "zhang"]}),
    Case("12 an operator's check-in counts for the checkpoint, not as a guard",
         [checkin("02:01:00", "otto", "C2", actor=OTTO)], "02:02:00",
         {"patrols": {"C2": gate("02:21:00", 20, last="02:01:00", by="otto")}, "checkins": checkins("02:01")}),
    Case("13 an overdue mark committed after a newer check-in",
         [checkin("02:05:10", "li", "E4"), overdue("02:05:10.005", "E4", "02:05:00", 15.0),
          gate_alert("02:05:10.005", "E4", "02:05:00")], "02:06:00",
         {"patrols": {"E4": gate("02:20:10", last="02:05:10", by="li"), "E5": gate("02:05:00", overdue_=True)},
          "alerts": ["overdue-E4-1778897100000", C1_ALERT], "guards_active": ["li", "zhang"],
          "checkins": checkins("02:05")}),
    Case("14 same-time check-ins: the later in the stream wins",
         [checkin("02:01:00", "li", "E5", observed="02:00:30"), checkin("02:01:05", "wang", "E5", observed="02:00:30")],
         "02:02:00", {"patrols": {"E5": gate("02:15:30", last="02:00:30", by="wang")},
                      "guards_active": ALL_GUARDS, "checkins": checkins("02:01", "02:01")}),
    Case("15 visitors on site: one arrives, one leaves",
         [registered("02:01:00", "li", "b2", "John", "E2", organization="ACME"),
          stored("visitor.checked_out", "02:01:15", guard("wang"), {"visitor_id": "a1", "name": "张三",
                                                                    "entrance_id": "E1"})],
         "02:02:00", {"patrols": {"E1": E1}, "guards_active": ALL_GUARDS, "visitors": ["b2"]},
         history=history_with(A1_ON_SITE)),
    Case("16 an inspection passes its cell; a critical failure opens a hazard", INSPECTIONS, "02:01:40",
         {"patrols": {"E1": E1}, "guards_active": ALL_GUARDS, "hazards": ["h1"],
          "readiness": {"ready": False, "missing": 34, "passed": ["hvac@lobby"], "open_hazards": ["elevators@lobby"]}}),
    Case("17 a rectified hazard passes its cell",
         [*INSPECTIONS, stored("hazard.assigned", "02:01:20", {"username": "chen", "role": "operator"},
                               {"hazard_id": "h1", "assignee": "wang"}),
          stored("hazard.rectified", "02:01:30", {"username": "chen", "role": "operator"},
                 {"hazard_id": "h1", "note": "replaced the handset", "photo_ids": [], "minutes_open": 0.33,
                  "fixed_on_spot": True, "threshold_min": 30.0})],
         "02:01:40", {"patrols": {"E1": E1}, "guards_active": ALL_GUARDS,
                      "readiness": {"ready": False, "missing": 32, "passed": ["hvac@lobby", "elevators@lobby"],
                                    "open_hazards": []}}),
    # The second entry of 沪B67890 is one the service refuses (409): were it stored, it must still count once.
    Case("18 vehicles on site: one in without a pass, one out",
         [vehicle("vehicle.entered", "02:01:00", "li", "沪B67890", "E3", "visitor", no_pass=True),
          raised("02:01:00", "vehicle_no_pass-0f1e", kind="vehicle_no_pass", severity=2, plate="沪B67890",
                 entrance_id="E3", vehicle_kind="visitor"),
          vehicle("vehicle.left", "02:01:10", "wang", "京A12345", "E2", "delegate", pass_id="P-1"),
          vehicle("vehicle.entered", "02:01:20", "li", "沪B67890", "E3", "visitor", no_pass=True)],
         "02:02:00", {"patrols": {"E1": E1}, "alerts": ["vehicle_no_pass-0f1e", C1_ALERT],
                      "guards_active": ALL_GUARDS, "visitors": ["a1"], "vehicles": ["沪B67890"],
                      "vehicles_on_site": {"E3": 1}},
         history=history_with(A1_ON_SITE, DELEGATE_CAR)),
    Case("19 clearance: the last zones swept and the round completes",
         [confirmed("02:01:01", "li", "power_room", round_id="1778800000000-0"),
          confirmed("02:01:02", "wang", "canteen_kitchen"), confirmed("02:01:03", "li", "power_room", people=1),
          confirmed("02:01:04", "li", "power_room"), confirmed("02:01:05", "li", "parking"),
          stored("clearance.completed", "02:01:05", SYSTEM, {"round_id": "1778896200000-0",
                                                             "started_at": t("01:50:00"), "took_s": 665, "zones": 8},
                 seq=1)],
         "02:02:00", {"phase": "post_event", "patrols": {"E1": gate("02:25:00", 30, last="01:55:00", by="zhang")},
                      "guards_active": ALL_GUARDS, "visitors": ["a1"],
                      "clearance": {"open": True, "venue_cleared": True,
                                    # (confirmations, people found earlier): the old round's counts not
                                    "swept_again": {"canteen_kitchen": (2, 2), "power_room": (2, 1)},
                                    "cleared": ["canteen_kitchen", "lobby", "main_hall", "meeting_rooms",
                                                "outer_perimeter", "parking", "power_room", "press_area"]}},
         history=history_with(A1_ON_SITE, *SWEPT, second_phase="post_event")),
    # Not a vector: the check-ins of the last hour are a window on the clock.
    Case("20 an hour on, the first check-in's minute is out of the last hour",
         [acknowledged("02:29:00", "overdue-E9-1778893200000")], "02:29:00",
         {"patrols": {"E1": gate("02:10:00", last="01:55:00", by="zhang", overdue_=True)}, "guards_active": [],
          "checkins": {m: n for m, n in checkins().items() if m != "01:28"}}),
]
# Live rows of sections that change with time alone but are not declared `timed` (server/concept.py):
# Screens recomputes them only when an event touches their projections or index.
def by_id(case):
    """Name a parametrised case by its vector."""
    return case.id


@pytest.fixture(scope="module")
def ctx():
    """What the rows functions read: the test venue and the registry."""
    return types.SimpleNamespace(venue=load_venue(VENUE), registry=registry())


def reads_at(ctx, events, now):
    """Return the sections' inputs after these stored events, as the store answers them at `now`."""
    recent = {}
    for kind, value, span in snapshot.reads_needed(ctx.registry)[1]:
        assert kind == "type", f"index kind {kind!r}: teach this test to fill it"
        since = int((now - span).timestamp() * 1000)
        recent[(kind, value)] = [e["id"] for e in events if e["type"] == value and ev.id_ms(e["id"]) >= since]
    projections = ledger.fold_all(ctx.registry.folds, copy.deepcopy(events))
    return snapshot.Reads(projections=projections, now=now, recent=recent)


def apply(rows, patches):
    """Apply {section: {key: row | None}} to {section: {key: row}}, as a page's store does."""
    out = {name: dict(section) for name, section in rows.items()}
    for name, patch in patches.items():
        for key, row in patch.items():
            if row is None:
                out.setdefault(name, {}).pop(key, None)
            else:
                out.setdefault(name, {})[key] = row
    return out


def wall(rows, checkpoints, now=None):
    """Return what the wall shows from section rows (patrols: the checkpoints a case is about).

    With `now`, what the page judges by its clock is judged so: a patrol row is overdue strictly
    after its due time, and the check-ins counted are those of minutes at most an hour old.
    """
    def patrol(row):
        out = {k: row[k] for k in PATROL_KEYS}
        if now is not None:
            out["overdue"] = row["due_at"] is not None and now > ev.parse_iso(row["due_at"])
        return out

    board, sweep = rows["readiness"]["today"], rows["clearance"]["round"]
    cells = lambda state: [f"{c['checklist_id']}@{c['area_id']}" for c in board["cells"] if c["state"] == state]
    return {
        "phase": rows["phase"]["venue"]["phase"],
        "patrols": {cp: patrol(rows["patrols"][cp]) for cp in checkpoints},
        "alerts": [a["alert_id"] for a in sorted(rows["alerts"].values(), key=lambda a: a["raised_at"], reverse=True)],
        "guards_active": sorted(rows["guards_active"]),
        "checkins": {m["minute"][11:16]: m["count"] for m in rows["checkins"].values()
                     if now is None or now - ev.parse_iso(m["minute"]) <= dt.timedelta(hours=1)},
        "visitors": sorted(rows["visitors"]),
        "vehicles": sorted(v["plate"] for v in rows["vehicles"].values()),
        "vehicles_on_site": {gate_id: g["count"] for gate_id, g in rows["vehicles_on_site"].items()},
        "hazards": sorted(rows["hazards"]),
        "clearance": {"open": sweep["open"], "venue_cleared": sweep["venue_cleared"],
                      "cleared": sorted(z["zone_id"] for z in sweep["zones"] if z["state"] == "cleared"),
                      "swept_again": {z["zone_id"]: (z["confirmations"], z["found_earlier"])
                                      for z in sweep["zones"] if z.get("confirmations", 0) > 1}},
        "readiness": {"ready": board["ready"], "missing": len(board["missing"]), "passed": cells("passed"),
                      "open_hazards": cells("open_hazards")},
    }


def live(ctx, case, monkeypatch):
    """Return (rows at the cursor, the batch's patches, the live rows) of Screens advanced by the case's events."""
    screens = Screens(ctx)
    screens.reads = reads_at(ctx, case.history, ev.parse_iso(CURSOR_AT))
    screens.rows = snapshot.rows_of(ctx, screens.reads, screens.sections)
    before = copy.deepcopy(screens.rows)
    monkeypatch.setattr(ev, "utc_now", lambda: ev.parse_iso(t(case.now)))
    changed = screens.advance(copy.deepcopy(case.events))
    return before, changed, screens.rows


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_events_are_ones_the_server_stores(ctx, case):
    """Every event is a registered type whose data matches its model, in stream order after the cursor."""
    for event in case.history + case.events:
        ctx.registry.validate(copy.deepcopy(event))
    assert case.history[-1]["ts"] < CURSOR_AT < case.events[0]["ts"]
    ids = [ev.id_key(e["id"]) for e in case.history + case.events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_snapshot_sections_show_the_wall(ctx, case):
    """/api/v1/state's rows at `now`, after every stored event, give the wall the vector expects."""
    now = ev.parse_iso(t(case.now))
    rows = snapshot.rows_of(ctx, reads_at(ctx, case.history + case.events, now))
    assert wall(rows, case.expect["patrols"]) == case.wall()


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_live_patches_show_the_same_wall(ctx, case, monkeypatch):
    """The live fold's patches, applied to the rows at the cursor, give the wall the snapshot gives."""
    before, changed, rows = live(ctx, case, monkeypatch)
    assert apply(before, changed) == rows
    if case.quiet:
        assert changed == {}
    assert wall(rows, case.expect["patrols"], now=ev.parse_iso(t(case.now))) == case.wall()


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_live_rows_are_the_snapshot_rows(ctx, case, monkeypatch):
    """The live rows after a batch are the rows a snapshot gives at the same moment (what patches rest on)."""
    _before, _changed, rows = live(ctx, case, monkeypatch)
    fresh = snapshot.rows_of(ctx, reads_at(ctx, case.history + case.events, ev.parse_iso(t(case.now))))
    assert rows == fresh
