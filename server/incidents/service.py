"""Incident services: report, act on the lifecycle, read, and the unacknowledged timer."""
import datetime as dt
import json
import uuid

from server import events as ev
from server import ledger, scan, visibility
from server.accounts.rules import cannot_answer
from server.alerts import fold as alerts
from server.errors import Conflict, Forbidden, NotFound, Text, check
from server.incidents import fold, lifecycle as lc
from server.incidents.fold import NAME, REPORTED
from server.patrols.service import observed_time
from server.photos import service as photos


def report_incident(ctx, *, actor, category, location_id, description, severity=None, observed_at=None,
                    photo_ids=(), idem=None):
    """Record a new incident (with photos uploaded before); its severity defaults to the category's."""
    fields, observed = observed_time(observed_at, ev.utc_now())
    kind = ctx.venue.find("incident_categories", category)
    if not kind:
        fields["category"] = Text("unknown category", "未知的事件类别")
    if location_id not in ctx.venue.location_ids():
        fields["location_id"] = Text("unknown location", "未知的位置")
    check(fields)
    photo_ids = list(photo_ids or ())
    photos.check_exist(ctx, photo_ids)
    zone = ctx.venue.zone_of(location_id)
    event = ev.draft(REPORTED, actor=actor, observed_at=observed, locations=[location_id, zone],
                     data={"incident_id": uuid.uuid4().hex, "category": kind.id,
                           "severity": severity or kind.default_severity, "location_id": location_id,
                           "zone_id": zone, "description": description,
                           **({"photo_ids": photo_ids} if photo_ids else {})})
    return ledger.record(ctx, [event], idem=idem, rule=lambda state: photos.check_attachable(state, photo_ids),
                         body=lambda envs: {"incident": fold.apply({}, event)[event["data"]["incident_id"]],
                                            "event": envs[0]})


def readable(entry, viewer):
    """Tell whether a viewer reads an incident at all: feed screens all, a guard their own.

    The rule of the incidents section (reported by them or assigned to them), so REST and
    the pages agree.
    """
    from server.incidents import CONCEPT  # the package imports this module first
    section = CONCEPT.sections[0]
    return viewer.role in section.all_rows or section.mine(entry, viewer)


def actor_viewer(actor):
    """Return the Viewer of the user taking an action (what their answer may show them)."""
    return visibility.Viewer(actor["role"], actor["username"])


def incident(ctx, incident_id, viewer=None):
    """Return an incident's entry, or raise NotFound (also when the viewer may not read it)."""
    entry = ctx.store.projection_fields(NAME, [incident_id]).get(incident_id)
    entry = json.loads(entry) if entry else None
    if not entry or (viewer is not None and not readable(entry, viewer)):
        raise NotFound(Text(f"No incident {incident_id}.", f"没有事件 {incident_id}。"))
    return entry


def _refused(action, state):
    """Return the 409 of an action the incident's state forbids, naming that state."""
    return Conflict(Text(f"This incident is {state}; {action} is not allowed now.",
                         f"此事件当前状态为 {state}，现在不能执行 {action}。"), fields={"status": state})


def _inputs(ctx, entry, action, assignee, agency, step, of):
    """Check what the venue and the accounts must know (400 naming the field)."""
    fields = {}
    why = cannot_answer(ctx.accounts.get_user(assignee)) if action == "assign" else None
    if why:
        fields["assignee"] = why
    if action == "notify_agency" and not ctx.venue.find("agencies", agency):
        fields["agency"] = Text("unknown agency", "未知的机构")
    steps = ctx.venue.find("incident_categories", entry["category"]).sop
    if action == "sop_step" and step >= len(steps):
        fields["step"] = Text(f"this category has steps 0 to {len(steps) - 1}",
                              f"此类别的步骤为 0 至 {len(steps) - 1}")
    if action == "mark_duplicate" and of == entry["incident_id"]:
        fields["of"] = Text("an incident cannot duplicate itself", "事件不能与自身重复")
    elif action == "mark_duplicate" and not ctx.store.projection_fields(NAME, [of]).get(of):
        fields["of"] = Text("unknown incident", "未知的事件")
    check(fields)
    return len(steps)


def _acceptable(actor, entry, current):
    """Let only the current assignee accept, once per assignment (403, then 409)."""
    if current.get("assignee") != actor["username"]:
        raise Forbidden(Text("Only the guard this incident is assigned to may accept it.",
                             "只有被指派的队员才能接受此任务。"))
    if current.get("assignment_id") != entry.get("assignment_id"):
        raise Conflict(Text("The assignment changed meanwhile; try again.", "指派已变更，请重试。"),
                       fields={"status": current["status"]})
    if current.get("assignment_accepted_at"):
        raise Conflict(Text("You already accepted this assignment.", "你已接受此任务。"),
                       fields={"status": current["status"]})


def act(ctx, *, actor, incident_id, action, assignee=None, agency=None, reference=None, step=None,
        note=None, of=None, reason=None, idem=None):
    """Take one lifecycle action; the state machine is judged on the state the commit guards."""
    entry = incident(ctx, incident_id, actor_viewer(actor))  # a guard acts on their own incidents only
    n_steps = _inputs(ctx, entry, action, assignee, agency, step, of)
    skipped = sorted(set(range(n_steps)) - set(entry["sop_done"]))
    data = {"incident_id": incident_id}
    if action in ("assign", "escalate", "notify_agency", "resolve", "close", "reopen", "mark_duplicate"):
        data["note"] = note or ""
    data.update({"assign": {"assignee": assignee}, "escalate": {"automatic": False},
                 "accept": {"assignment_id": entry.get("assignment_id") or ""},
                 "notify_agency": {"agency": agency, "reference": reference or ""},
                 "sop_step": {"step": step}, "note": {"note": note},
                 "resolve": {"skipped_steps": skipped, "reason": reason or ""},
                 "mark_duplicate": {"of": of}}.get(action, {}))
    locations = [entry["location_id"], entry["zone_id"]]
    events = [ev.draft(lc.EVENT_OF[action], actor=actor, data=data, locations=locations)]
    if action == "resolve" and skipped:
        # The commander hears of skipped steps in the same commit as the resolution.
        events.append(ev.draft(alerts.RAISED, actor=ev.SYSTEM_ACTOR, locations=locations,
                               data={"alert_id": f"sop-{uuid.uuid4().hex}", "kind": "sop_skipped",
                                     "severity": entry["severity"], "incident_id": incident_id,
                                     "category": entry["category"], "location_id": entry["location_id"],
                                     "skipped_steps": skipped}))
    seen = {}

    def legal(state):
        """Refuse an illegal transition on the state this commit guards."""
        current = state[NAME][incident_id]
        if action == "accept":
            _acceptable(actor, entry, current)
        if not lc.allowed(action, current["status"]):
            raise _refused(action, current["status"])
        if action == "resolve" and skipped and not reason:
            check({"reason": Text("say why SOP steps were skipped", "请说明跳过标准作业程序步骤的原因")})
        if action == "sop_step" and step in current["sop_done"]:
            raise Conflict(Text("This step is already ticked.", "此步骤已勾选。"), fields={"status": current["status"]})
        if action == "resolve" and sorted(set(range(n_steps)) - set(current["sop_done"])) != skipped:
            raise Conflict(Text("SOP steps changed meanwhile; try again.", "步骤已被他人更新，请重试。"),
                           fields={"status": current["status"]})
        other = (state[NAME].get(of) or {}).get("status") if action == "mark_duplicate" else None
        if action == "mark_duplicate" and not lc.is_open(other):
            raise Conflict(Text(f"Incident {of} is {other}: only an open incident can be the original.",
                                f"事件 {of} 当前状态为 {other}，只能标记为未结事件的重复。"), fields={"of": str(other)})
        seen.update(state[NAME])

    def answer(envs):
        """Return the incident as this action leaves it, and the action's event."""
        return {"incident": fold.apply(seen, events[0])[incident_id], "event": envs[0]}
    return ledger.record(ctx, events, idem=idem, status=200, rule=legal, body=answer)


def escalate_unacknowledged(ctx, entry, threshold):
    """Escalate a severe incident nobody acknowledged in time and alert, once (system key)."""
    incident_id = entry["incident_id"]
    locations = [entry["location_id"], entry["zone_id"]]
    events = [ev.draft(lc.EVENT_OF["escalate"], actor=ev.SYSTEM_ACTOR, locations=locations,
                       data={"incident_id": incident_id, "automatic": True, "threshold_min": threshold}),
              ev.draft(alerts.RAISED, actor=ev.SYSTEM_ACTOR, locations=locations,
                       data={"alert_id": f"unack-{incident_id}", "kind": "incident_unacknowledged",
                             "severity": entry["severity"], "incident_id": incident_id,
                             "category": entry["category"], "location_id": entry["location_id"]})]
    idem = ledger.system_idempotency(f"unack-{incident_id}", {"incident_id": incident_id})

    def still_unacknowledged(state):
        """Refuse when it was acknowledged between the watcher's read and the commit."""
        current = state[NAME][incident_id]
        if current["status"] != lc.REPORTED or current["auto_escalated"]:
            raise Conflict("acknowledged meanwhile")
    return ledger.record(ctx, events, idem=idem, rule=still_unacknowledged)


def unacknowledged(entry):
    """Tell whether an incident waits for its first acknowledgement and was not escalated yet."""
    return entry["status"] == lc.REPORTED and not entry["auto_escalated"]


def check_unacknowledged(ctx, now):
    """Escalate every severity-1 or -2 incident left unacknowledged past its threshold."""
    escalated = []
    waiting = scan.matching(ctx, NAME, unacknowledged)
    for entry in waiting.values():
        threshold = ctx.venue.section("incident_rules").escalate_after(entry["severity"])
        if entry["status"] != lc.REPORTED or entry["auto_escalated"] or threshold is None:
            continue
        if now < ev.parse_iso(entry["recorded_at"]) + dt.timedelta(minutes=threshold):
            continue
        try:
            escalate_unacknowledged(ctx, entry, threshold)
        except Conflict:
            continue  # someone acknowledged it between the read and the commit
        escalated.append(entry["incident_id"])
    return escalated


def matching(entries, *, status=None, severity=None, category=None, location=None, zone_of=None):
    """Return the incidents that pass the list's filters, most severe then oldest first."""
    rows = sorted((e for e in entries.values() if e),
                  key=lambda e: (e["severity"], e["reported_at"], e["incident_id"]))
    if status == "open":
        rows = [e for e in rows if lc.is_open(e["status"])]
    elif status:
        rows = [e for e in rows if e["status"] == status]
    if severity:
        rows = [e for e in rows if e["severity"] == severity]
    if category:
        rows = [e for e in rows if e["category"] == category]
    if location:
        rows = [e for e in rows if location in (e["location_id"], e["zone_id"])]
    return rows
