"""A realistic day-after-day mix of Gatewatch events, drafted exactly as the services draft them.

Used by bench/million.py. Each event is built with `server.events.draft` (data, actor, locations)
and checked against its registered model by the caller; the generator keeps a little state so
that what follows makes sense (a visitor checks out after registering, an incident is
acknowledged, assigned, worked through its SOP steps and resolved, a failed inspection item
opens a hazard that is later rectified, vehicles leave after entering, rounds of clearance
sweep every zone at night). Times run over `hours` with a day-time peak.
"""
import heapq
import itertools
import random

from server import events as ev

NOTES = ["all quiet", "gate locked, lights on", "巡查正常", "消防通道畅通", "door propped open, closed it",
         "门禁读卡器反应慢，已报修", "crowd building at the barrier, asked for a second steward", ""]
PURPOSES = ["会议", "送货", "采访", "设备维护", "参会", "meeting"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
KINDS = ["delegate", "staff", "delivery", "visitor", "official"]
# share of each kind of activity (the rest follows from state: check-outs, incident steps, ...)
WEIGHTS = {"checkin": 62, "visitor": 9, "vehicle": 7, "incident": 1.2, "inspection": 3, "alert": 2}


class Mix:
    """Draft events in time order: `next_event()` returns one drafted event with its time (ms)."""

    def __init__(self, venue, *, start_ms, hours, total, seed=1, guards=120):
        self.venue, self.rng = venue, random.Random(seed)
        self.start_ms, self.span_ms, self.total = start_ms, hours * 3_600_000, total
        self.guards = [f"guard{i:03d}" for i in range(guards)]
        cps = [c.id for c in venue.checkpoints]
        # each guard walks a sector of four checkpoints, as a patrol plan assigns them
        self.sector = {g: [cps[(i * 3 + k) % len(cps)] for k in range(4)] for i, g in enumerate(self.guards)}
        self.cp = {c.id: c for c in venue.checkpoints}
        self.gates = [e for e in venue.entrances]
        self.car_gates = [e for e in venue.entrances if e.vehicles] or self.gates
        self.on_site, self.cars, self.incidents, self.hazards, self.alerts = [], [], [], [], []
        self.pending = []  # heap of follow-up events already decided (time ms, tie, make(at) -> event)
        self.tie = itertools.count()
        self.n = 0
        self.choices, self.weights = list(WEIGHTS), list(WEIGHTS.values())

    def _time(self):
        """Return the time (ms) of the n-th event: spread over the span, denser by day."""
        base = self.start_ms + self.span_ms * self.n / self.total
        return int(base)

    def _actor(self, role="guard"):
        """Return a random actor of a role."""
        if role == "guard":
            return {"username": self.rng.choice(self.guards), "role": "guard"}
        return {"username": f"{role}{self.rng.randrange(4):02d}", "role": role}

    def next_event(self):
        """Return (ms, drafted event), oldest first."""
        at = self._time()
        self.n += 1
        if self.pending and self.pending[0][0] <= at:
            return at, heapq.heappop(self.pending)[2](at)
        kind = self.rng.choices(self.choices, self.weights)[0]
        return at, getattr(self, kind)(at)

    def _later(self, at, minutes, make):
        """Schedule a follow-up event some minutes later."""
        heapq.heappush(self.pending, (at + int(minutes * 60_000), next(self.tie), make))

    def _draft(self, kind, actor, data, at, locations=()):
        return ev.draft(kind, actor=actor, data=data, locations=locations, ts=ev.ms_to_iso(at))

    def checkin(self, at):
        guard = self._actor()
        cp = self.cp[self.rng.choice(self.sector[guard["username"]])]
        status = "issue" if self.rng.random() < 0.04 else "clear"
        return self._draft("patrol.checkin", guard, {"checkpoint_id": cp.id, "status": status,
                                                     "note": self.rng.choice(NOTES)}, at, [cp.id, cp.zone_id])

    def visitor(self, at):
        gate = self.rng.choice(self.gates)
        vid = f"v{self.n:07d}"
        name = self.rng.choice(SURNAMES) + self.rng.choice("伟芳娜敏静丽强磊军洋")
        data = {"visitor_id": vid, "name": name, "id_type": "resident_id",
                "id_masked": f"110105********{self.rng.randrange(1000, 9999)}", "purpose": self.rng.choice(PURPOSES),
                "entrance_id": gate.id, "phone": f"138{self.rng.randrange(10**7, 10**8)}",
                "organization": "市政府办公厅", "host": "李主任"}
        self._later(at, self.rng.uniform(20, 300), lambda t: self._checkout(t, vid, name))
        return self._draft("visitor.registered", self._actor(), data, at, [gate.id, gate.zone_id])

    def _checkout(self, at, vid, name):
        gate = self.rng.choice(self.gates)
        return self._draft("visitor.checked_out", self._actor(), {"visitor_id": vid, "name": name,
                                                                   "entrance_id": gate.id}, at, [gate.id, gate.zone_id])

    def vehicle(self, at):
        gate = self.rng.choice(self.car_gates)
        plate = f"沪{self.rng.choice('ABCDEFG')}{self.rng.randrange(10000, 99999)}"
        kind = self.rng.choice(KINDS)
        self._later(at, self.rng.uniform(30, 480), lambda t: self._vehicle_out(t, plate, kind))
        return self._draft("vehicle.entered", self._actor(), {"plate": plate, "kind": kind, "entrance_id": gate.id},
                           at, [gate.id, gate.zone_id])

    def _vehicle_out(self, at, plate, kind):
        gate = self.rng.choice(self.car_gates)
        return self._draft("vehicle.left", self._actor(), {"plate": plate, "kind": kind, "entrance_id": gate.id},
                           at, [gate.id, gate.zone_id])

    def incident(self, at):
        category = self.rng.choice(self.venue.incident_categories)
        cp = self.rng.choice(self.venue.checkpoints)
        iid = f"i{self.n:07d}"
        where = [cp.id, cp.zone_id]
        data = {"incident_id": iid, "category": category.id, "severity": self.rng.choice([1, 2, 2, 3, 3, 4]),
                "location_id": cp.id, "zone_id": cp.zone_id, "description": "门口有人争吵，已劝离"}
        steps = [("incident.acknowledged", {}, "operator"), ("incident.assigned", {"assignee": self.rng.choice(self.guards)}, "operator")]
        steps += [("incident.sop_step_done", {"step": i}, "operator") for i in range(len(category.sop))]
        steps += [("incident.noted", {"note": "现场已处置"}, "guard"), ("incident.resolved", {"skipped_steps": []}, "operator"),
                  ("incident.closed", {}, "commander")]
        for k, (kind, extra, role) in enumerate(steps):
            self._later(at, 1 + 3 * k, lambda t, kind=kind, extra=extra, role=role: self._draft(
                kind, self._actor(role), {"incident_id": iid, **extra}, t, where))
        return self._draft("incident.reported", self._actor(), data, at, where)

    def inspection(self, at):
        checklist = self.rng.choice(self.venue.checklists)
        area = self.rng.choice(checklist.areas)
        iid = f"n{self.n:07d}"
        results = [{"item_id": item.id, "ok": self.rng.random() > 0.05, "note": ""} for item in checklist.items]
        failed = [r["item_id"] for r in results if not r["ok"]]
        hazards = [f"h{self.n:07d}-{k}" for k in range(len(failed))]
        day = ev.ms_to_iso(at)[:10]
        actor = self._actor()
        for hid, item in zip(hazards, failed):
            self._later(at, 0, lambda t, hid=hid, item=item: self._hazard(t, hid, iid, checklist.id, item, area, actor))
        return self._draft("inspection.recorded", actor, {"inspection_id": iid, "checklist_id": checklist.id,
                                                          "area_id": area, "day": day, "results": results,
                                                          "failed": failed, "hazard_ids": hazards}, at, [area])

    def _hazard(self, at, hid, iid, checklist, item, area, actor):
        minutes = self.rng.choice([2, 5, 10, 45, 120])
        self._later(at, minutes, lambda t: self._draft(
            "hazard.rectified", self._actor(), {"hazard_id": hid, "note": "已整改", "photo_ids": [],
                                                "minutes_open": float(minutes), "fixed_on_spot": minutes <= 10,
                                                "threshold_min": 30.0}, t, [area]))
        return self._draft("hazard.opened", actor, {"hazard_id": hid, "inspection_id": iid, "checklist_id": checklist,
                                                    "item_id": item, "area_id": area, "critical": False,
                                                    "severity": "normal", "note": "", "photo_ids": []}, at, [area])

    def alert(self, at):
        cp = self.rng.choice(self.venue.checkpoints)
        aid = f"a{self.n:07d}"
        self._later(at, self.rng.uniform(1, 10), lambda t: self._draft(
            "alert.acknowledged", self._actor("operator"), {"alert_id": aid}, t, [cp.id, cp.zone_id]))
        return self._draft("alert.raised", ev.SYSTEM_ACTOR, {"alert_id": aid, "kind": "patrol_overdue", "severity": 2,
                                                            "checkpoint_id": cp.id}, at, [cp.id, cp.zone_id])

    def clearance_round(self, at):
        """Return the events of one night's clearance: every zone swept, then completed."""
        rid = f"r{self.n:07d}"
        out = [self._draft("clearance.zone_confirmed", self._actor(), {"round_id": rid, "zone_id": z.id,
                                                                      "people_found": self.rng.choice([0, 0, 0, 1])},
                           at, [z.id]) for z in self.venue.zones]
        out.append(self._draft("clearance.completed", ev.SYSTEM_ACTOR, {"round_id": rid, "started_at": ev.ms_to_iso(at),
                                                                       "took_s": 60 * len(self.venue.zones),
                                                                       "zones": len(self.venue.zones)},
                               at, []))
        return out
