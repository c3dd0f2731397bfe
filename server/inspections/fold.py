"""Inspections and hazards as folds of events (pure: no I/O)."""
from types import SimpleNamespace

from server.inspections.settings import local_day

RECORDED = "inspection.recorded"
OPENED, ASSIGNED, RECTIFIED = "hazard.opened", "hazard.assigned", "hazard.rectified"
ALERT_RAISED = "alert.raised"
HAZARD_ALERT = "hazard_open"  # the alert kind of a hazard left open past the venue's threshold
OVERRIDE = "phase.changed"


def _inspections_touches(event):
    """Return nothing: an inspection's entry is new and depends on no other."""
    return []


def _inspections_apply(state, event):
    """Fold a recorded inspection into its own entry."""
    if event["type"] != RECORDED:
        return {}
    data = event["data"]
    return {data["inspection_id"]: {**data, "recorded_at": event["ts"], "by": event["actor"]["username"]}}


def _hazards_touches(event):
    """Return the hazard an assignment, rectification or alert depends on."""
    hazard_id = event["data"].get("hazard_id") if event["type"] in (ASSIGNED, RECTIFIED, ALERT_RAISED) else None
    return [hazard_id] if hazard_id else []


def _hazards_apply(state, event):
    """Fold a hazard being opened, assigned, rectified or alerted on."""
    data, kind = event["data"], event["type"]
    if kind == OPENED:
        return {data["hazard_id"]: {**data, "status": "open", "opened_at": event["ts"],
                                    "opened_by": event["actor"]["username"], "assignee": None,
                                    "alerted_at": None, "rectified_at": None, "rectified_by": None,
                                    "rectify_note": "", "rectify_photo_ids": [], "minutes_open": None,
                                    "fixed_on_spot": None}}
    entry = state.get(data.get("hazard_id") or "")
    if not entry or kind not in (ASSIGNED, RECTIFIED, ALERT_RAISED):
        return {}
    if kind == ASSIGNED:
        return {entry["hazard_id"]: {**entry, "assignee": data["assignee"]}}
    if kind == ALERT_RAISED:
        return {entry["hazard_id"]: {**entry, "alerted_at": event["ts"]}} if data["kind"] == HAZARD_ALERT else {}
    return {entry["hazard_id"]: {**entry, "status": "rectified", "rectified_at": event["ts"],
                                 "rectified_by": event["actor"]["username"], "rectify_note": data["note"],
                                 "rectify_photo_ids": data["photo_ids"], "minutes_open": data["minutes_open"],
                                 "fixed_on_spot": data["fixed_on_spot"]}}


def _readiness_touches(event):
    """Return nothing: the last override replaces the one before."""
    return []


def _readiness_apply(state, event):
    """Keep the last phase change that overrode the readiness gate."""
    data = event["data"]
    if event["type"] != OVERRIDE or not data.get("override_reason"):
        return {}
    return {"override": {"reason": data["override_reason"], "missing": data.get("overridden", []),
                         "phase": data["phase"], "at": event["ts"], "by": event["actor"]["username"]}}


def _inspections_shown(entry, *, venue, when):
    """Tell whether the readiness board can still show an inspection: of that day or later."""
    return entry.get("day", "") >= local_day(venue, when)


def _hazards_shown(entry, *, venue, when):
    """Tell whether a section can still show a hazard: open (only an event changes that)."""
    return entry.get("status") == "open"


inspections = SimpleNamespace(NAME="inspections", EVENTS=frozenset({RECORDED}), touches=_inspections_touches,
                              apply=_inspections_apply, still_shown=_inspections_shown,
                              FORGETS=True)  # each is new, never touched
hazards = SimpleNamespace(NAME="hazards", EVENTS=frozenset({OPENED, ASSIGNED, RECTIFIED, ALERT_RAISED}),
                          touches=_hazards_touches, apply=_hazards_apply, still_shown=_hazards_shown,
                          FORGETS=True)  # a fixed hazard is never reopened
readiness = SimpleNamespace(NAME="readiness", EVENTS=frozenset({OVERRIDE}), touches=_readiness_touches,
                            apply=_readiness_apply)
FOLDS = (inspections, hazards, readiness)


def open_hazards(entries):
    """Return the open hazards, critical first, then oldest first."""
    rows = [h for h in entries.values() if h and h["status"] == "open"]
    return sorted(rows, key=lambda h: (not h["critical"], h["opened_at"], h["hazard_id"]))


def rectified(entry, alert):
    """A hazard's alert closes when the hazard is rectified."""
    return "rectified" if entry is None or entry.get("status") != "open" else None
