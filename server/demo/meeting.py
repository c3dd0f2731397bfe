"""The meeting itself: visitors and cars at the gates, two incidents handled by their SOPs, the
clearance after it and the close of the day (the steps of server/demo/day.py's Day)."""
from server.demo import people
from server.demo.day import GATES, VEHICLE_GATES


def register(day, guard, gate, person):
    """Register a visitor at a gate; return (status, body) — 409 when the watchlist denies them."""
    body = {k: person[k] for k in ("name", "id_type", "id_number", "organization", "host", "purpose")}
    status, answer = guard.call("POST", "/visitors", json={**body, "entrance_id": gate}, ok=(201, 409))
    if status == 201:
        day.on_site.append((answer["visitor"]["visitor_id"], gate))
    return status, answer


def visitor_wave(day, expected, until):
    """Visitors arrive at the five gates: most on the expected list, a watched name, a denied one."""
    queue = [("expected", p) for p in expected] + [("walk-in", people.visitor(day.rng)) for _ in range(8)]
    day.rng.shuffle(queue)
    queue.insert(5, ("watched", people.visitor(day.rng, name=people.WATCHED_NAME)))
    queue.insert(9, ("denied", day.denied))
    start, end = day.clock.now(), _minute(until)
    for n, (kind, person) in enumerate(queue):
        day.clock.until(day.clock.label(start + (end - start) * n / len(queue)), day.patrol_tick)
        gate, guard = GATES[n % len(GATES)], day.guard(n)
        if kind == "expected":  # the gate finds them on today's list first
            guard.post("/visitors/expected/lookup", {"id_type": person["id_type"], "id_number": person["id_number"]})
        status, answer = register(day, guard, gate, person)
        if kind == "watched":
            day.watched = answer["visitor"]["visitor_id"]
            day.log(f"{gate}: possible watchlist match ({people.WATCHED_NAME}) — the operator checks")
        if kind == "denied":
            day.log(f"{gate}: watchlist deny — entry refused ({status})")
        if n % 6 == 2:
            car(day, "in")
    day.log(f"visitor wave done: {len(day.on_site)} on site")


def judge_watchlist(day):
    """The operator judges the possible match (not the person: dismissed); the commander reveals the ID."""
    day.wait_for_alerts("watchlist_hit")
    day.op.post(f"/visitors/{day.watched}/watchlist-hit/dismiss", {"note": "核对照片和单位，非同一人 / not the same person"})
    day.cmd.post(f"/visitors/{day.watched}/reveal", {})
    second = people.visitor(day.rng, name=people.WATCHED_NAME)
    status, answer = register(day, day.guard(1), "E1", second)
    if status == 201:
        day.wait_for_alerts("watchlist_hit")
        day.op.post(f"/visitors/{answer['visitor']['visitor_id']}/watchlist-hit/confirm",
                    {"note": "与通报照片一致，已安排专人陪同 / matches; escorted"})
    for kind in ("watchlist_hit", "watchlist_denied", "vehicle_no_pass"):
        day.acknowledge_alerts(kind)
    day.log("watchlist: one match dismissed, one confirmed; the commander looked at an ID")


def car(day, direction):
    """A car comes in (or one on site leaves) at a vehicle gate."""
    guard = day.guard(2)
    if direction == "in":
        plate = people.plate(day.rng)
        kind = day.rng.choice(("delegate", "delegate", "official", "delivery", "staff"))
        gate = VEHICLE_GATES[len(day.cars) % 2] if kind != "delivery" else "E5"
        body = {"plate": plate, "direction": "in", "entrance_id": gate, "kind": kind}
        if day.rng.random() < 0.8:  # most show their pass; the others raise an alert at a pass gate
            body["pass_id"] = f"TX-{day.rng.randrange(100000):05d}"
        guard.post("/vehicles", body)
        day.cars.append((plate, kind, gate))
    elif day.cars:
        plate, kind, gate = day.cars.pop(0)
        guard.post("/vehicles", {"plate": plate, "direction": "out", "entrance_id": gate, "kind": kind})


def act(person, incident_id, action, **fields):
    """Take one step on an incident."""
    return person.post(f"/incidents/{incident_id}/actions", {"action": action, **fields})


def run_sop(day, incident_id, category, note):
    """The operator works through the category's SOP steps and notifies its agencies."""
    spec = next(c for c in day.venue["incident_categories"] if c["id"] == category)
    for agency in spec.get("agencies", []):
        act(day.op, incident_id, "notify_agency", agency=agency, reference=f"DEMO-{day.rng.randrange(10000):04d}")
    for step in range(len(spec.get("sop", []))):
        later(day, 4)
        act(day.op, incident_id, "sop_step", step=step)
    act(day.op, incident_id, "note", note=note)
    later(day, 8)  # the wall shows the incident open with its timer, as on a real day


def later(day, minutes):
    """Let some simulated minutes pass (patrols go on meanwhile)."""
    day.clock.until(day.clock.label(day.clock.now() + minutes), day.patrol_tick)


def medical_call(day):
    """A delegate collapses in the main hall: acknowledged, a guard assigned, SOP, 120, resolved, closed."""
    reporter = day.guard(3)
    incident = reporter.post("/incidents", {"category": "medical", "location_id": "C2",
                                            "description": "主会场第12排一名代表晕倒，意识清醒 / delegate fainted, row 12"})
    iid = incident["incident"]["incident_id"]
    later(day, 2)
    act(day.op, iid, "acknowledge")
    act(day.op, iid, "assign", assignee=reporter.username)
    act(reporter, iid, "accept")
    run_sop(day, iid, "medical", "120 已送往市人民医院 / taken to the city hospital by ambulance")
    act(day.op, iid, "resolve", note="伤员已送医 / patient in hospital")
    later(day, 5)
    act(day.cmd, iid, "close", note="处置得当 / handled well")
    day.log("medical call in the main hall handled and closed")


def suspicious_bag(day):
    """An unattended bag in the lobby: photo, a duplicate report, escalation, police, SOP, resolved,
    closed, reopened when its owner's story does not check out, closed again."""
    finder, second = day.guard(0), day.guard(4)
    photo = finder.call("POST", "/photos", files={"file": ("bag.jpg", people.bag_photo(), "image/jpeg")})[1]
    incident = finder.post("/incidents", {"category": "suspicious_item", "location_id": "C1",
                                          "description": "大堂安检口东侧长椅下无人看管黑色双肩包 / unattended bag",
                                          "photo_ids": [photo["photo"]["photo_id"]]})
    iid = incident["incident"]["incident_id"]
    dup = second.post("/incidents", {"category": "suspicious_item", "location_id": "lobby",
                                     "description": "大堂有个黑色包没人管 / a black bag nobody watches"})
    act(day.op, iid, "acknowledge")
    act(day.cmd, dup["incident"]["incident_id"], "mark_duplicate", of=iid)
    act(day.op, iid, "escalate", note="设置警戒区，疏散大堂东侧 / cordon set")
    more = finder.call("POST", "/photos", files={"file": ("cordon.jpg", people.bag_photo(), "image/jpeg")})[1]
    finder.post(f"/incidents/{iid}/photos", {"photo_ids": [more["photo"]["photo_id"]]})
    run_sop(day, iid, "suspicious_item", "公安排爆人员检查：内为文件和雨伞 / police: papers and an umbrella")
    act(day.op, iid, "resolve", note="失主为会务人员，已领回 / owner is staff, collected it")
    act(day.cmd, iid, "close")
    act(day.cmd, iid, "reopen", note="监控显示放包人非会务人员，需再核实 / CCTV: owner not staff")
    act(day.op, iid, "resolve", note="核实为记者遗忘，已登记 / a journalist forgot it; recorded")
    act(day.cmd, iid, "close")
    day.log("suspicious bag in the lobby: police notified, SOP done, closed (after a second look)")


def departures(day, until):
    """After the meeting: visitors check out at the gate they came in by, cars leave."""
    start, end, leaving = day.clock.now(), _minute(until), list(day.on_site)
    for n, (visitor_id, gate) in enumerate(leaving):
        day.clock.until(day.clock.label(start + (end - start) * n / max(len(leaving), 1)), day.patrol_tick)
        if n == len(leaving) - 1 and n > 0:  # slipped out by the side gate: the host confirms, the operator records it
            day.op.post(f"/visitors/{visitor_id}/left-unrecorded", {"note": "接待方确认已离开 / host confirmed"})
        else:
            day.guard(n).post(f"/visitors/{visitor_id}/checkout", {"entrance_id": gate})
        day.on_site.remove((visitor_id, gate))
        if n % 4 == 0:
            car(day, "out")
    while day.cars:
        car(day, "out")
    day.log("every visitor checked out (one recorded as left unrecorded); the car park is empty")


def clearance(day):
    """Post-event: the commander opens the clearance round; guards sweep every zone (one twice)."""
    day.cmd.post("/phase", {"phase": "post_event"})
    zones = [z["id"] for z in day.venue["zones"]]
    for n, zone in enumerate(zones):
        day.clock.until(day.clock.label(day.clock.now() + 2), day.patrol_tick)
        if zone == "main_hall":  # two delegates still talking: the sweep comes back
            day.guard(n).post(f"/clearance/{zone}", {"people_found": 2, "note": "两名代表仍在交谈 / two delegates"})
            day.clock.until(day.clock.label(day.clock.now() + 5), day.patrol_tick)
        day.guard(n).post(f"/clearance/{zone}", {"people_found": 0})
    day.log("clearance complete: every zone swept")


def close_day(day):
    """The commander takes the watched name off the list and closes the venue; everyone signs out."""
    day.cmd.call("DELETE", f"/watchlist/{day.watch_entry}", json={"note": "会议结束 / meeting over"})
    status, answer = day.cmd.call("POST", "/phase", json={"phase": "closed"}, ok=(201, 409))
    if status == 409:
        day.cmd.post("/phase", {"phase": "closed", "override_reason": "演示结束 / end of the demo day"})
    day.log("venue closed")


def _minute(hhmm):
    """Return minutes since midnight of HH:MM."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return hours * 60 + minutes
