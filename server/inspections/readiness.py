"""The readiness gate: a board per checklist × area for today, and what keeps the venue from ready.

Ready means every area of every `required` checklist passed an inspection today (venue-local
day) and no critical hazard is open. A cell is `passed` once inspected today with no hazard of
that checklist and area still open; `open_hazards` while one is (from any day); otherwise
`not_inspected`. After a commander's override, each item still missing that the override named
is marked `overridden` for the rest of the venue-local day, so the wall keeps showing it.

With a programme (server/programme/), the board covers the meeting at hand: only the areas of
its zones, inspected since its check opened (start − check_before_min); hazards elsewhere do not
gate it. Without one, every area of the day, as before.
"""
from server import events as ev
from server.inspections.fold import hazards as hazard_fold, inspections as inspection_fold
from server.inspections.fold import readiness as readiness_fold
from server.inspections.settings import local_day
from server.programme import schedule, service as programme
from server.programme.fold import NAME as PROGRAMME

GATED = "in_session"  # the phase the gate guards


def _name(named, lang):
    """Return a venue object's name in one language."""
    return named.name["zh-CN" if lang == "zh" else "en"]


def _cell_missing(venue, cell):
    """Describe one required cell that has not passed, in both languages."""
    checklist, zone = venue.find("checklists", cell["checklist_id"]), venue.find("zones", cell["area_id"])
    what = {"en": ("not inspected today", "open hazards"), "zh": ("今日未检查", "有未整改隐患")}
    n = 0 if cell["state"] == "not_inspected" else 1
    return {"code": cell["state"], "key": f"{cell['checklist_id']}@{cell['area_id']}",
            "checklist_id": cell["checklist_id"], "area_id": cell["area_id"], "hazard_id": None,
            "en": f"{_name(checklist, 'en')} · {_name(zone, 'en')}: {what['en'][n]}",
            "zh": f"{_name(checklist, 'zh')} · {_name(zone, 'zh')}：{what['zh'][n]}"}


def _hazard_missing(venue, hazard):
    """Describe one open critical hazard, in both languages."""
    checklist, zone = venue.find("checklists", hazard["checklist_id"]), venue.find("zones", hazard["area_id"])
    item = next((i for i in checklist.items if i.id == hazard["item_id"]), None) if checklist else None
    label = {lang: " · ".join(_name(x, lang) for x in (checklist, item, zone) if x) for lang in ("en", "zh")}
    return {"code": "critical_hazard", "key": f"hazard:{hazard['hazard_id']}", "checklist_id": hazard["checklist_id"],
            "area_id": hazard["area_id"], "hazard_id": hazard["hazard_id"],
            "en": f"critical hazard open: {label['en']}", "zh": f"重大隐患未整改：{label['zh']}"}


def board(venue, projections, now, scope=None):
    """Return today's board, whether the venue is ready, what is missing and today's override.

    scope: {meeting_id, zones, since} of the meeting at hand (server.programme.service), or None.
    """
    day = local_day(venue, now)
    zones, since = (set(scope["zones"]), scope["since"]) if scope else (None, "")
    inspected = {}
    for entry in projections[inspection_fold.NAME].values():
        if entry and entry["day"] == day and entry["recorded_at"] >= since:
            key = (entry["checklist_id"], entry["area_id"])
            inspected[key] = max(inspected.get(key, ""), entry["recorded_at"])
    open_by_cell, critical = {}, []
    for hazard in projections[hazard_fold.NAME].values():
        if hazard and hazard["status"] == "open" and (zones is None or hazard["area_id"] in zones):
            key = (hazard["checklist_id"], hazard["area_id"])
            open_by_cell[key] = open_by_cell.get(key, 0) + 1
            if hazard["critical"]:
                critical.append(hazard)
    cells = []
    for checklist in venue.checklists:
        for area in (a for a in checklist.areas if zones is None or a in zones):
            key = (checklist.id, area)
            state = "open_hazards" if open_by_cell.get(key) else "passed" if key in inspected else "not_inspected"
            cells.append({"checklist_id": checklist.id, "area_id": area, "required": checklist.required,
                          "state": state, "inspected_at": inspected.get(key), "open_hazards": open_by_cell.get(key, 0)})
    missing = [_cell_missing(venue, c) for c in cells if c["required"] and c["state"] != "passed"]
    missing += [_hazard_missing(venue, h) for h in sorted(critical, key=lambda h: (h["opened_at"], h["hazard_id"]))]
    override = projections[readiness_fold.NAME].get("override")
    if override and local_day(venue, ev.parse_iso(override["at"])) != day:
        override = None
    waived = set(override["missing"]) if override else set()
    for item in missing:  # the wall keeps showing what the commander overrode, marked so
        item["overridden"] = item["key"] in waived
    return {"day": day, "gates": GATED, "ready": not missing, "cells": cells, "missing": missing,
            "override": override, "meeting_id": scope and scope["meeting_id"], "zones": scope and scope["zones"]}


def scoped(venue, projections, now):
    """Return the board of the meeting at hand (every area when the venue has no programme)."""
    planned = schedule.edited(venue, projections.get(PROGRAMME))  # with the commanders' edits
    return board(venue, projections, now, programme.readiness_scope(planned, now))


def current(ctx, now=None):
    """Return the board as the store holds it now."""
    names = [f.NAME for f in (inspection_fold, hazard_fold, readiness_fold)] + [PROGRAMME]
    _, projections = ctx.store.snapshot(names)
    return scoped(ctx.venue, projections, now or ev.utc_now())


def gate(ctx, target_phase):
    """Return what keeps the venue from entering `target_phase` ([] when nothing does)."""
    return current(ctx)["missing"] if target_phase == GATED else []
