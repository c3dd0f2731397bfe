"""A congress day, step by step, as the guards, the operator and the commander do it over the API.

07:00 shift briefing; morning checks (a hazard fixed on the spot); patrols all day (a few late);
07:30 the expected list and the watchlist; 08:00-09:00 visitors at the five gates and cars at the
vehicle gates; 09:00 the plenary opens; a medical call and a suspicious bag, each handled with its
SOP and agencies; 12:00 the meeting ends, visitors leave, the halls are cleared; 13:00 closed.
"""
from server.demo import people
from server.demo.client import DemoError

GATES = ("E1", "E2", "E3", "E4", "E5")
VEHICLE_GATES = ("E3", "E5")
LATE = ("C10", "C11")  # their last visit reaches the server late: the wall shows them overdue


class Day:
    """The cast (signed-in Persons), the venue as the API describes it, and the day's running state."""

    def __init__(self, cast, clock, rng, sign_code=None, say=print):
        self.cast, self.clock, self.rng, self.say = cast, clock, rng, say
        self.sign_code = sign_code  # checkpoint id -> the payload of its printed QR code, or None
        self.guards = cast["guards"]
        self.op, self.cmd = cast["operator"], cast["commander"]
        self.venue = self.op.get("/venue")
        self.on_site, self.cars, self.next_patrol = [], [], 0.0
        self.late_pending = set()

    def log(self, text):
        """Print one line of the story with the simulated time."""
        self.say(f"{self.clock.label()}  {text}")

    def guard(self, i=None):
        """Return a guard (the i-th, or one at random)."""
        return self.guards[i % len(self.guards)] if i is not None else self.rng.choice(self.guards)

    # -- patrols ------------------------------------------------------------------------------

    def checkin(self, guard, checkpoint, *, status="clear", note=None, observed_at=None, scan=True):
        """Check in at a checkpoint: by scanning its code (method qr) or from the list (manual)."""
        body = {"checkpoint_id": checkpoint, "status": status}
        if note:
            body["note"] = note
        if observed_at:
            body["observed_at"] = observed_at
        if scan and self.sign_code:
            body["code"] = self.sign_code(checkpoint)
        return guard.post("/checkins", body)

    def patrol_tick(self, minute):
        """Every few simulated minutes, the most overdue checkpoint gets its visit."""
        if minute < self.next_patrol:
            return
        self.next_patrol = minute + 4
        rows = [r for r in self.op.get("/patrols")["patrols"]
                if r["interval_min"] and r["checkpoint_id"] not in self.late_pending]
        if not rows:
            return
        rows.sort(key=lambda r: (r["due_at"] or ""))
        cp = rows[0]["checkpoint_id"]
        issue = self.rng.random() < 0.06
        self.checkin(self.guard(), cp, status="issue" if issue else "clear",
                     note="消防通道堆放杂物，已通知清理 / boxes in the fire lane, cleared" if issue else None,
                     scan=self.rng.random() < 0.85)

    def late_patrols(self):
        """A phone that was out of coverage delivers old visits: those checkpoints fall overdue."""
        import datetime as dt

        long_ago = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=75)).isoformat()
        for cp in LATE:
            self.checkin(self.guard(5), cp, observed_at=long_ago, scan=False)
            self.late_pending.add(cp)
        self.log(f"patrol: {', '.join(LATE)} last visited 75 min ago — overdue on the wall")

    def late_visits_arrive(self):
        """The late guard reaches the overdue checkpoints; the operator acknowledges the alerts."""
        self.wait_for_alerts("patrol_overdue", LATE)
        for cp in sorted(self.late_pending):
            self.checkin(self.guard(5), cp)
        self.late_pending.clear()
        self.acknowledge_alerts("patrol_overdue")
        self.log("patrol: the late checkpoints visited; alerts acknowledged")

    def wait_for_alerts(self, kind, subjects=(), attempts=120):
        """Wait (real time, for the server's watcher) until alerts of a kind are raised."""
        for _ in range(attempts):
            alerts = [a for a in self.op.get("/alerts")["alerts"] if a.get("kind") == kind]
            if alerts and all(any(a.get("checkpoint_id") == s for a in alerts) for s in subjects):
                return alerts
            self.clock.pause(0.5)
        raise DemoError(f"no {kind} alert was raised (is the server's watcher running?)")

    def acknowledge_alerts(self, kind):
        """The operator acknowledges every open alert of a kind."""
        for alert in self.op.get("/alerts")["alerts"]:
            if alert.get("kind") == kind and not alert.get("acknowledged_at"):
                self.op.call("POST", f"/alerts/{alert['alert_id']}/acknowledge", json={}, ok=(200, 201, 409))

    # -- morning ------------------------------------------------------------------------------

    def briefing(self):
        """The commander opens the day; the operator briefs the guards, who acknowledge."""
        phase = self.op.get("/patrols")["phase"]
        if phase != "pre_event":
            self.cmd.post("/phase", {"phase": "pre_event"})
        sent = self.op.post("/broadcasts", {"to": "all", "text": "早班集合：全体会议 09:00 开始，08:00 起安检，"
                                                                   "各岗位按时到位。/ Plenary at 09:00, gates open 08:00."})
        for g in self.guards:
            g.post(f"/broadcasts/{sent['broadcast']['broadcast_id']}/acknowledge", {})
        self.log("briefing sent to all guards and acknowledged")

    def morning_checks(self):
        """Every required checklist in every area; emergency lighting fails and is fixed on the spot."""
        hazard = None
        for i, checklist in enumerate(c for c in self.venue["checklists"] if c.get("required", True)):
            for j, area in enumerate(checklist["areas"]):
                results = [{"item_id": item["id"], "ok": True} for item in checklist["items"]]
                failing = hazard is None and checklist["id"] == "lighting_audio" and area == "main_hall"
                if failing:
                    results = [dict(r, ok=False, note="主会场3号应急照明灯不亮 / emergency light 3 out")
                               if r["item_id"] == "emergency_lighting" else r for r in results]
                answer = self.guard(i + j).post("/inspections", {"checklist_id": checklist["id"],
                                                                 "area_id": area, "results": results})
                if failing and answer["hazards"]:
                    hazard = (answer["hazards"][0]["hazard_id"], self.guard(i + j))
                self.clock.until(self.clock.label(self.clock.now() + 1), self.patrol_tick)
        if hazard:
            self.op.post(f"/hazards/{hazard[0]}/assign", {"assignee": hazard[1].username})
            self.op.post(f"/hazards/{hazard[0]}/rectify", {"note": "已更换灯管并测试正常 / lamp replaced, tested"})
            self.log("morning checks done; emergency light in the main hall fixed on the spot")

    def lists(self, day):
        """The operator imports today's expected visitors; the commander adds watchlist entries."""
        text, rows = people.expected_csv(self.rng, day, 24)
        self.op.post("/visitors/expected/import", data=text.encode(), json=None,
                     headers={"Content-Type": "text/csv; charset=utf-8"})
        alert = self.cmd.post("/watchlist", {"name": people.WATCHED_NAME, "action": "alert",
                                             "reason": "上级通报需关注人员 / flagged by the district office"})
        self.denied = people.visitor(self.rng)
        self.cmd.post("/watchlist", {"id_type": "resident_id", "id_number": self.denied["id_number"],
                                     "action": "deny", "reason": "曾冲闯会场 / forced entry last year"})
        self.watch_entry = alert["entry"]["entry_id"]
        self.log(f"expected list imported ({len(rows)}); watchlist: an alert and a deny entry")
        return rows

    # -- the programme ------------------------------------------------------------------------

    def move_tomorrows_groups(self):
        """A speaker is delayed: the commander moves tomorrow's group sessions to 15:00."""
        tomorrow = self.cmd.get("/programme")["days"][1]
        meetings = [dict(m, start="15:00", end="18:00") if m["id"] == "groups" else m for m in tomorrow["meetings"]]
        self.cmd.post("/programme/days", {"date": tomorrow["date"], "meetings": meetings,
                                          "reason": "分组会议主讲人航班延误 / the groups' speaker is delayed"})
        self.log(f"programme: group sessions of {tomorrow['date']} moved to 15:00")
        return tomorrow["date"]

    def restore_tomorrow(self, date):
        """The speaker's flight is back on time: tomorrow's programme is the venue file's again."""
        self.cmd.post(f"/programme/days/{date}/reset", {"reason": "主讲人航班恢复 / the flight is on time again"})
        self.log(f"programme: {date} back as planned")
