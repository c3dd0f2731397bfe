"""The inspections and hazards part: coverage, 立行立改 share, time to fix, overrides (pure)."""
from server.inspections.fold import OPENED, RECORDED, RECTIFIED
from server.phase.fold import CHANGED as PHASE_CHANGED
from server.reports.figures import joined, median, share, when


def coverage(venue, window, events):
    """Return per required checklist and area: days required, days inspected, days passed."""
    days = set(window.days())
    seen = {}
    for event in events:
        if event["type"] != RECORDED or event["data"]["day"] not in days:
            continue
        data = event["data"]
        cell = seen.setdefault((data["checklist_id"], data["area_id"]), {"inspected": set(), "passed": set()})
        cell["inspected"].add(data["day"])
        if not data["failed"]:
            cell["passed"].add(data["day"])
    rows = []
    for checklist in venue.checklists:
        if not checklist.required:
            continue
        for area in checklist.areas:
            cell = seen.get((checklist.id, area), {"inspected": set(), "passed": set()})
            rows.append({"checklist_id": checklist.id, "area_id": area, "days_required": len(days),
                         "days_inspected": len(cell["inspected"]), "days_passed": len(cell["passed"])})
    return rows


def hazards(window, events):
    """Return (opened in the window by id, their rectification events by hazard id)."""
    opened = {e["data"]["hazard_id"]: e for e in events if e["type"] == OPENED and window.holds(when(e))}
    fixed = {e["data"]["hazard_id"]: e for e in events
             if e["type"] == RECTIFIED and e["data"]["hazard_id"] in opened and when(e) < window.until}
    return opened, fixed


def overrides(window, events):
    """Return the phase changes a commander forced past an unready gate, with their reasons."""
    return [{"at": window.local(when(e)), "phase": e["data"]["phase"], "reason": e["data"]["override_reason"],
             "missing": joined(e["data"].get("overridden") or [])}
            for e in events if e["type"] == PHASE_CHANGED and e["data"].get("override_reason")
            and window.holds(when(e))]


def part(venue, window, events):
    """Return the inspections and hazards part."""
    cells = coverage(venue, window, events)
    opened, fixed = hazards(window, events)
    on_spot = sum(1 for e in fixed.values() if e["data"]["fixed_on_spot"])
    still_open = [{"hazard_id": h, "checklist_id": e["data"]["checklist_id"], "item_id": e["data"]["item_id"],
                   "area_id": e["data"]["area_id"], "critical": e["data"]["critical"],
                   "opened_at": window.local(when(e))} for h, e in opened.items() if h not in fixed]
    forced = overrides(window, events)
    inspections = [e for e in events if e["type"] == RECORDED and window.holds(when(e))]
    return {"summary": {"inspections": len(inspections),
                        "required_cells": sum(c["days_required"] for c in cells),
                        "required_covered": sum(c["days_inspected"] for c in cells),
                        "hazards_found": len(opened), "fixed_on_spot": on_spot,
                        "fixed_on_spot_pct": share(on_spot, len(opened)),
                        "median_minutes_to_fix": median([e["data"]["minutes_open"] for e in fixed.values()]),
                        "still_open": len(still_open), "readiness_overrides": len(forced)},
            "tables": {"coverage": cells, "open_hazards": still_open, "overrides": forced}}
