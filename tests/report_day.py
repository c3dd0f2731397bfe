"""A scripted day at the venue, driven through the services on a clock the script sets.

The day is DAY (venue-local, three days ago so check-ins' 7-day limit and the report's stream
window hold). Every step happens at the venue-local time given; tests/api/test_reports.py works
out the report's figures from these times by hand.
"""
import datetime as dt
import zoneinfo

from server import events as ev
from server import phase
from server.clearance import service as clearance
from server.incidents import service as incidents
from server.inspections import service as inspections
from server.patrols import service as patrols
from server.vehicles import service as vehicles
from server.visitors import service as visitors
from unit_ids import ID, ID2

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = (dt.datetime.now(ZONE) - dt.timedelta(days=3)).date()
GUARD_A = {"username": "guard_a", "role": "guard"}
GUARD_B = {"username": "guard_b", "role": "guard"}
OPERATOR = {"username": "op_li", "role": "operator"}
COMMANDER = {"username": "cmd_wang", "role": "commander"}
OVERRIDE_REASON = "领导指示按时开会"
SKIP_REASON = "救护车已到场，由医护接手"


def at(hhmm, seconds=0):
    """Return DAY at a venue-local HH:MM (and seconds) as an aware datetime."""
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(DAY, dt.time(hour, minute, seconds), ZONE)


class Clock:
    """The script's clock: services read ev.utc_now(), which the test points here."""

    def __init__(self, monkeypatch):
        self.now, real = at("00:00"), ev.utc_now
        monkeypatch.setattr(ev, "utc_now", lambda: self.now.astimezone(dt.timezone.utc) if self.now else real())

    def set(self, hhmm, seconds=0):
        """Move the clock to a venue-local time of DAY."""
        self.now = at(hhmm, seconds)


def inspect(ctx, clock, hhmm, checklist_id, area_id, failing):
    """Walk one checklist in one area; the items named in `failing` fail. Return the hazard ids."""
    clock.set(hhmm)
    checklist = ctx.venue.find("checklists", checklist_id)
    from server.inspections.models import ResultRequest
    results = [ResultRequest(item_id=item.id, ok=item.id not in failing, note="" if item.id not in failing else "损坏")
               for item in checklist.items]
    done = inspections.record_inspection(ctx, actor=GUARD_A, checklist_id=checklist_id, area_id=area_id, results=results)
    return [h["hazard_id"] for h in done.body["hazards"]]


def checkin(ctx, clock, hhmm, guard, checkpoint_id="E1", seconds=0):
    """A guard checks in at a checkpoint."""
    clock.set(hhmm, seconds)
    patrols.record_checkin(ctx, actor=guard, checkpoint_id=checkpoint_id, status="clear")


def report(ctx, clock, hhmm, category, severity):
    """guard_b reports an incident at E1; return its id."""
    clock.set(hhmm)
    done = incidents.report_incident(ctx, actor=GUARD_B, category=category, severity=severity,
                                     location_id="E1", description="脚本事件")
    return done.body["incident"]["incident_id"]


def act(ctx, clock, hhmm, actor, incident_id, action, **extra):
    """Take an incident action at a time."""
    clock.set(hhmm)
    incidents.act(ctx, actor=actor, incident_id=incident_id, action=action, **extra)


def register(ctx, clock, hhmm, id_number, entrance_id):
    """guard_a registers a visitor; return the visitor id."""
    clock.set(hhmm)
    done = visitors.register_visitor(ctx, actor=GUARD_A, name="张三", id_type="resident_id", id_number=id_number,
                                     purpose="参会", entrance_id=entrance_id)
    return done.body["visitor"]["visitor_id"]


def checkout(ctx, clock, hhmm, visitor_id, entrance_id="E1"):
    """guard_a checks a visitor out."""
    clock.set(hhmm)
    visitors.checkout_visitor(ctx, actor=GUARD_A, visitor_id=visitor_id, entrance_id=entrance_id)


def change(ctx, clock, hhmm, target, reason=None):
    """The commander moves the venue to another phase."""
    clock.set(hhmm)
    phase.change_phase(ctx, actor=COMMANDER, phase=target, override_reason=reason)


def play(ctx, monkeypatch):
    """Play the whole day; return {name: id} of the incidents and hazards it made."""
    clock = Clock(monkeypatch)
    ids = {}
    ids["H1"], = inspect(ctx, clock, "07:00", "electrical", "power_room", {"switchgear"})
    clock.set("07:20")
    inspections.rectify_hazard(ctx, actor=GUARD_A, hazard_id=ids["H1"], note="已更换")  # 20 min: on the spot
    ids["H2"], = inspect(ctx, clock, "07:30", "lighting_audio", "main_hall", {"emergency_lighting"})
    ids["H3"], = inspect(ctx, clock, "08:00", "electrical", "main_hall", {"wiring"})  # stays open
    checkin(ctx, clock, "08:00", GUARD_A)
    checkin(ctx, clock, "08:00", GUARD_A, seconds=30)  # again 30 s later: possible padding
    checkin(ctx, clock, "08:20", GUARD_B)
    change(ctx, clock, "09:00", "in_session", OVERRIDE_REASON)  # the inspections are not all done
    checkin(ctx, clock, "09:10", GUARD_A)
    v1 = register(ctx, clock, "09:15", ID, "E1")
    v2 = register(ctx, clock, "09:20", ID2, "E1")
    clock.set("09:30")
    inspections.rectify_hazard(ctx, actor=GUARD_A, hazard_id=ids["H2"], note="已修复")  # 120 min
    vehicles.log_vehicle(ctx, actor=GUARD_B, plate="沪A12345", direction="in", entrance_id="E3", kind="delivery")
    checkin(ctx, clock, "09:40", GUARD_B)
    ids["I1"] = report(ctx, clock, "10:00", "medical", 2)
    checkout(ctx, clock, "10:00", v1)
    act(ctx, clock, "10:03", OPERATOR, ids["I1"], "acknowledge")
    act(ctx, clock, "10:05", OPERATOR, ids["I1"], "notify_agency", agency="medical", reference="120-0042")
    ids["I2"] = report(ctx, clock, "10:10", "fire_smoke", 1)
    act(ctx, clock, "10:11", OPERATOR, ids["I2"], "acknowledge")
    act(ctx, clock, "10:20", OPERATOR, ids["I2"], "resolve", reason="误报，烟雾来自厨房")
    act(ctx, clock, "10:30", OPERATOR, ids["I1"], "resolve", reason=SKIP_REASON)
    v3 = register(ctx, clock, "10:30", ID, "E2")
    ids["I3"] = report(ctx, clock, "11:00", "medical", 2)
    checkout(ctx, clock, "11:00", v2)
    ids["I4"] = report(ctx, clock, "11:01", "medical", 2)
    act(ctx, clock, "11:02", COMMANDER, ids["I4"], "mark_duplicate", of=ids["I3"])
    act(ctx, clock, "11:08", OPERATOR, ids["I3"], "acknowledge")  # 8 min: past the 5-min threshold
    checkout(ctx, clock, "11:30", v3, "E2")
    change(ctx, clock, "12:00", "post_event")  # opens the clearance round
    sweeps = [("12:05", GUARD_A, "outer_perimeter", 0), ("12:10", GUARD_A, "lobby", 2),
              ("12:15", GUARD_A, "main_hall", 0), ("12:20", GUARD_A, "lobby", 0),
              ("12:25", GUARD_B, "meeting_rooms", 0), ("12:30", GUARD_B, "press_area", 0),
              ("12:35", GUARD_B, "canteen_kitchen", 0), ("12:40", GUARD_B, "power_room", 0),
              ("12:45", GUARD_B, "parking", 0)]
    for hhmm, guard, zone, found in sweeps:
        clock.set(hhmm)
        clearance.confirm_zone(ctx, actor=guard, zone_id=zone, people_found=found)
    change(ctx, clock, "13:00", "closed")
    clock.now = None  # back to the real clock: the day is over
    return ids
