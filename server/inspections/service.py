"""Inspection and hazard services: record an inspection (its failures open hazards), assign,
rectify, list, and the timer that alerts on a hazard left open too long."""
import datetime as dt
import json
import uuid

from server import events as ev
from server import ledger, scan
from server.accounts.rules import cannot_answer
from server.errors import Conflict, NotFound, Text, check
from server.inspections.fold import (ALERT_RAISED, ASSIGNED, HAZARD_ALERT, OPENED, RECORDED, RECTIFIED,
                                     hazards as hazard_fold, inspections as inspection_fold)
from server.inspections.settings import hazard_rule, local_day
from server.photos import service as photos
from server.visibility import STAFF

HAZARDS = hazard_fold.NAME


def _unknown_photos(ctx, photo_ids):
    """Return the photo ids the photo store does not hold."""
    return photos.missing(ctx, photo_ids) if photo_ids else []


def _result_errors(ctx, checklist, results):
    """Return {field: message} for unknown, repeated or unanswered items and unknown photos."""
    fields, seen = {}, set()
    known = {item.id for item in checklist.items}
    for i, result in enumerate(results):
        if result.item_id not in known:
            fields[f"results.{i}.item_id"] = Text("unknown item of this checklist", "此检查表没有该项")
        elif result.item_id in seen:
            fields[f"results.{i}.item_id"] = Text("this item is answered twice", "该项重复作答")
        seen.add(result.item_id)
        if _unknown_photos(ctx, result.photo_ids):
            fields[f"results.{i}.photo_ids"] = Text("unknown photo", "未知的照片")
    unanswered = [item.id for item in checklist.items if item.id not in seen]
    if unanswered and not fields:
        fields["results"] = Text(f"not answered: {', '.join(unanswered)}",
                                 f"以下各项未作答：{'、'.join(unanswered)}")
    return fields


def _checked_checklist(ctx, checklist_id, area_id, results):
    """Return the checklist, or raise 400 naming every bad field."""
    checklist = ctx.venue.find("checklists", checklist_id)
    fields = {}
    if not checklist:
        fields["checklist_id"] = Text("unknown checklist", "未知的检查表")
    if not ctx.venue.find("zones", area_id):
        fields["area_id"] = Text("unknown area", "未知的区域")
    elif checklist and area_id not in checklist.areas:
        fields["area_id"] = Text("this checklist does not apply to this area", "此检查表不适用于该区域")
    if checklist:
        fields.update(_result_errors(ctx, checklist, results))
    check(fields)
    return checklist


def record_inspection(ctx, *, actor, checklist_id, area_id, results, idem=None):
    """Record one checklist walked in one area; every failed item opens a hazard in the same commit."""
    checklist = _checked_checklist(ctx, checklist_id, area_id, results)
    critical = {item.id for item in checklist.items if item.critical}
    inspection_id, now = uuid.uuid4().hex, ev.utc_now()
    rows = [{"item_id": r.item_id, "ok": r.ok, "note": r.note, "photo_ids": list(r.photo_ids)} for r in results]
    failed = [r for r in rows if not r["ok"]]
    opened = [ev.draft(OPENED, actor=actor, locations=[area_id],
                       data={"hazard_id": uuid.uuid4().hex, "inspection_id": inspection_id,
                             "checklist_id": checklist.id, "item_id": r["item_id"], "area_id": area_id,
                             "critical": r["item_id"] in critical,
                             "severity": "critical" if r["item_id"] in critical else "normal",
                             "note": r["note"], "photo_ids": r["photo_ids"]}) for r in failed]
    recorded = ev.draft(RECORDED, actor=actor, locations=[area_id],
                        data={"inspection_id": inspection_id, "checklist_id": checklist.id, "area_id": area_id,
                              "day": local_day(ctx.venue, now), "results": rows,
                              "failed": [r["item_id"] for r in failed],
                              "hazard_ids": [e["data"]["hazard_id"] for e in opened]})
    events = [recorded, *opened]

    def unattached(state):
        """Refuse a photo that is gone or already another record's, judged on the guarded state."""
        for i, r in enumerate(rows):
            photos.check_attachable(state, r["photo_ids"], field=f"results.{i}.photo_ids")

    def answer(envs):
        """Return the inspection, the hazards it opened and its event."""
        state = ledger.fold_all((inspection_fold, hazard_fold), events)
        return {"inspection": state[inspection_fold.NAME][inspection_id],
                "hazards": [state[HAZARDS][e["data"]["hazard_id"]] for e in opened], "event": envs[0]}
    return ledger.record(ctx, events, idem=idem, body=answer, rule=unattached)


def hazard(ctx, hazard_id):
    """Return a hazard's entry, or raise NotFound."""
    raw = ctx.store.projection_fields(HAZARDS, [hazard_id]).get(hazard_id)
    if not raw:
        raise NotFound(Text(f"No hazard {hazard_id}.", f"没有隐患 {hazard_id}。"))
    return json.loads(raw)


def _still_open(hazard_id):
    """Return a rule refusing an action on a hazard rectified meanwhile (409 naming its state)."""
    def rule(state):
        """Judge on the state the commit guards."""
        status = (state[HAZARDS].get(hazard_id) or {}).get("status")
        if status != "open":
            raise Conflict(Text(f"This hazard is {status}.", "此隐患已整改。"), fields={"status": str(status)})
    return rule


def _acted(ctx, hazard_id, event, idem):
    """Commit an action on an open hazard; answer the hazard as it leaves it."""
    seen = {}

    def rule(state):
        """Refuse unless still open and its photos are the hazard's own; remember the entry."""
        _still_open(hazard_id)(state)
        photos.check_attachable(state, event["data"].get("photo_ids") or [])
        seen.update(state[HAZARDS])

    def answer(envs):
        """Return the hazard after the action, and the action's event."""
        return {"hazard": hazard_fold.apply(seen, event)[hazard_id], "event": envs[0]}
    return ledger.record(ctx, [event], idem=idem, status=200, rule=rule, body=answer)


def assign_hazard(ctx, *, actor, hazard_id, assignee, idem=None):
    """Send someone to fix an open hazard."""
    entry = hazard(ctx, hazard_id)
    why = cannot_answer(ctx.accounts.get_user(assignee))
    if why:
        check({"assignee": why})
    event = ev.draft(ASSIGNED, actor=actor, locations=[entry["area_id"]],
                     data={"hazard_id": hazard_id, "assignee": assignee})
    return _acted(ctx, hazard_id, event, idem)


def rectify_hazard(ctx, *, actor, hazard_id, note, photo_ids=(), idem=None):
    """Close an open hazard; within the venue's threshold it counts as fixed on the spot."""
    entry = hazard(ctx, hazard_id)
    if _unknown_photos(ctx, list(photo_ids)):
        check({"photo_ids": Text("unknown photo", "未知的照片")})
    threshold = hazard_rule(ctx.venue, "fixed_on_spot_min")
    minutes = round((ev.utc_now() - ev.parse_iso(entry["opened_at"])).total_seconds() / 60, 2)
    event = ev.draft(RECTIFIED, actor=actor, locations=[entry["area_id"]],
                     data={"hazard_id": hazard_id, "note": note, "photo_ids": list(photo_ids),
                           "minutes_open": minutes, "fixed_on_spot": minutes <= threshold,
                           "threshold_min": float(threshold), "assignee": entry["assignee"]})
    return _acted(ctx, hazard_id, event, idem)


def matching(entries, *, status=None, area=None, assignee=None):
    """Return the hazards passing the list's filters: open critical first, then oldest."""
    rows = sorted((h for h in entries.values() if h),
                  key=lambda h: (h["status"] != "open", not h["critical"], h["opened_at"], h["hazard_id"]))
    return [h for h in rows if (not status or h["status"] == status) and (not area or h["area_id"] == area)
            and (not assignee or h["assignee"] == assignee)]


def readable_hazard(row, viewer):
    """Tell whether a viewer reads a hazard over REST: staff all, a guard those assigned or opened by them."""
    return viewer.role in STAFF or viewer.username in (row.get("assignee"), row.get("opened_by"))


def readable_inspection(row, viewer):
    """Tell whether a viewer reads an inspection over REST: staff all, a guard their own."""
    return viewer.role in STAFF or row.get("by") == viewer.username


def inspections_of(ctx, *, date=None, area=None):
    """Return a day's inspections (venue-local; default today), newest first."""
    day = date or local_day(ctx.venue, ev.utc_now())
    rows = [e for e in ctx.store.projection(inspection_fold.NAME).values()
            if e and e["day"] == day and (not area or e["area_id"] == area)]
    return sorted(rows, key=lambda e: (e["recorded_at"], e["inspection_id"]), reverse=True)


def raise_hazard_alert(ctx, entry, threshold):
    """Alert once on a hazard still open past the threshold (system key: once across processes)."""
    hazard_id = entry["hazard_id"]
    alert = ev.draft(ALERT_RAISED, actor=ev.SYSTEM_ACTOR, locations=[entry["area_id"]],
                     data={"alert_id": f"hazard-{hazard_id}", "kind": HAZARD_ALERT, "hazard_id": hazard_id,
                           "severity": 1 if entry["critical"] else 3, "area_id": entry["area_id"],
                           "checklist_id": entry["checklist_id"], "item_id": entry["item_id"],
                           "threshold_min": float(threshold)})
    idem = ledger.system_idempotency(f"hazard-alert-{hazard_id}", {"hazard_id": hazard_id})

    def still_open_unalerted(state):
        """Refuse when rectified (or alerted) between the watcher's read and the commit."""
        current = state[HAZARDS].get(hazard_id) or {}
        if current.get("status") != "open" or current.get("alerted_at"):
            raise Conflict("rectified or alerted meanwhile")
    return ledger.record(ctx, [alert], idem=idem, rule=still_open_unalerted)


def open_unalerted(hazard):
    """Tell whether a hazard is open and nobody was alerted about it yet."""
    return hazard["status"] == "open" and not hazard["alerted_at"]


def check_open_hazards(ctx, now):
    """Alert on every hazard open past the venue's alert_after_min, once each."""
    threshold = hazard_rule(ctx.venue, "alert_after_min")
    raised = []
    for entry in scan.matching(ctx, HAZARDS, open_unalerted).values():
        if now < ev.parse_iso(entry["opened_at"]) + dt.timedelta(minutes=threshold):
            continue
        try:
            committed = raise_hazard_alert(ctx, entry, threshold)
        except Conflict:
            continue  # rectified between the read and the commit: nothing to alert on
        if not getattr(committed, "replayed", False):
            raised.append(entry["hazard_id"])
    return raised
