"""The command desk's incident pages: a filtered list and one incident's record (printable A4)."""
from zoneinfo import ZoneInfo

from flask import Blueprint, request

from server import events as ev
from server.api.common import gw
from server.auth.roles import can
from server.auth.users import public
from server.errors import NotFound
from server.incidents import fold, lifecycle as lc, service

from .i18n import localized, translate
from .pages import render_page, require_page, venue_public

bp = Blueprint("incident_pages", __name__)
SEVERITIES = (1, 2, 3, 4)
# The order the action forms appear in: the usual path first, the commander's last.
ACTION_ORDER = ("acknowledge", "assign", "sop_step", "notify_agency", "note", "resolve", "escalate", "close",
                "reopen", "mark_duplicate")


def by_id(items):
    """Return a venue section's items keyed by id."""
    return {item["id"]: item for item in items or []}


def local_time(value, zone):
    """Return an ISO time as 'YYYY-MM-DD HH:MM:SS' in the venue's time zone ('—' when absent)."""
    if not value:
        return "—"
    try:
        return ev.parse_iso(value).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return str(value)


def place_name(venue, location_id):
    """Return 'E2 东门' for a checkpoint or entrance, '主会场' for a zone."""
    for section in ("checkpoints", "entrances"):
        thing = by_id(venue.get(section)).get(location_id)
        if thing:
            return f"{location_id} {localized(thing.get('name'))}".strip()
    zone = by_id(venue.get("zones")).get(location_id)
    return localized(zone["name"]) if zone else location_id


def _filters():
    """Return the list's filters from the query string and whether one was not understood.

    A filter not understood is ignored (the list shows more, with a notice), never refused.
    """
    status = request.args.get("status", "open")
    severity = request.args.get("severity", "")
    # Compared as text: str.isdigit() accepts "²" and "①", which int() then refuses.
    chosen = {str(n): n for n in SEVERITIES}.get(severity)
    filters = {"status": status if status in (*lc.STATES, "open") else "", "severity": chosen,
               "category": request.args.get("category", "")[:64] or None}
    ignored = (status != filters["status"] and status != "") or (severity != "" and chosen is None)
    return filters, ignored


@bp.route("/command/incidents")
def incident_list():
    """List incidents by status, severity and category (open ones by default)."""
    user, refusal = require_page("command")
    if refusal:
        return refusal
    (filters, ignored), ctx, venue = _filters(), gw(), venue_public()
    rows = service.matching(ctx.store.projection(fold.NAME), **{**filters, "status": filters["status"] or None})
    zone = ZoneInfo(venue["timezone"])
    names = people(ctx)
    categories = by_id(venue.get("incident_categories"))
    items = [{**row, "when": local_time(row["reported_at"], zone), "place": place_name(venue, row["location_id"]),
              "category_name": localized(categories.get(row["category"], {}).get("name")) or row["category"],
              "assignee_name": names.get(row["assignee"], row["assignee"])} for row in rows]
    return render_page("incidents/list.html", "incidents", user, incidents=items, filters=filters, ignored=ignored,
                       categories=venue.get("incident_categories") or [], states=lc.STATES, severities=SEVERITIES)


def people(ctx):
    """Return every account's display name by username."""
    return {rec["username"]: public(rec)["display_name"] for rec in ctx.accounts.list_users()}


def allowed_actions(role, status):
    """Return the actions this role may take on an incident in this state, in display order."""
    return [a for a in ACTION_ORDER if can(role, lc.PERMISSION[a]) and lc.allowed(a, status)]


def _history(events, venue, names, zone, steps):
    """Return the incident's events as rows for the record: time, actor, what, and photos."""
    agencies = by_id(venue.get("agencies"))
    rows = []
    for event in events:
        data = event["data"]
        actor = event["actor"]
        rows.append({
            "id": event["id"], "type": event["type"], "when": local_time(event.get("observed_at") or event["ts"], zone),
            "actor": translate("role.system") if actor.get("role") == "system" else names.get(actor["username"],
                                                                                             actor["username"]),
            "role": actor.get("role", ""), "data": data,
            "assignee": names.get(data.get("assignee"), data.get("assignee")),
            "agency": localized(agencies.get(data.get("agency"), {}).get("name")) or data.get("agency"),
            "step_text": localized(steps[data["step"]]) if isinstance(data.get("step"), int)
            and data["step"] < len(steps) else "",
            "skipped": ", ".join(str(n + 1) for n in data.get("skipped_steps") or []),
            "photos": photo_ids(data)})
    return rows


def photo_ids(data):
    """Return the photo ids an event carries (photo_added has one, a report may have several)."""
    ids = list(data.get("photo_ids") or [])
    if data.get("photo_id"):
        ids.append(data["photo_id"])
    return [str(i) for i in ids]


def _checklist(steps, history):
    """Return the SOP steps with who ticked each and when."""
    ticked = {row["data"]["step"]: row for row in history if row["type"] == lc.EVENT_OF["sop_step"]}
    return [{"n": n, "text": localized(text), "done": ticked.get(n)} for n, text in enumerate(steps)]


def _assignees(ctx, names):
    """Return (username, name, role) of every enabled account that can be sent: guards first."""
    users = [public(rec) for rec in ctx.accounts.list_users()]
    users = [u for u in users if not u["disabled"] and u["role"] != "display"]
    users.sort(key=lambda u: (u["role"] != "guard", u["display_name"]))
    return [(u["username"], names.get(u["username"], u["username"]), u["role"]) for u in users]


@bp.route("/command/incidents/<incident_id>")
def incident_detail(incident_id):
    """Show one incident's record: facts, history, photos, SOP checklist, agencies and actions."""
    user, refusal = require_page("command")
    if refusal:
        return refusal
    ctx, venue = gw(), venue_public()
    try:
        entry = service.incident(ctx, incident_id)
    except NotFound:
        return render_page("error.html", "incidents", user, code=404), 404
    events = [ev.envelope(ctx.registry.upcast(e), ctx.venue.id) for e in ctx.store.events_by_ids(entry["history"])]
    zone, names = ZoneInfo(venue["timezone"]), people(ctx)
    category = by_id(venue.get("incident_categories")).get(entry["category"], {})
    steps = category.get("sop") or []
    history = _history(events, venue, names, zone, steps)
    others = [row for row in fold.open_incidents(ctx.store.projection(fold.NAME)) if row["incident_id"] != incident_id]
    lead = category.get("agencies") or []
    # The category's lead agencies first, in its order; the others keep the venue's order.
    agencies = sorted(venue.get("agencies") or [], key=lambda a: lead.index(a["id"]) if a["id"] in lead else len(lead))
    return render_page(
        "incidents/detail.html", "incidents", user, incident=entry, history=history, names=names,
        category_name=localized(category.get("name")) or entry["category"], place=place_name(venue, entry["location_id"]),
        checklist=_checklist(steps, history), skipped=[n for n in range(len(steps)) if n not in entry["sop_done"]],
        agencies=agencies, agency_names={a["id"]: localized(a["name"]) for a in agencies},
        lead_names=[localized(a["name"]) for a in agencies if a["id"] in lead],
        agency_rows=[{**a, "when": local_time(a["at"], zone)} for a in entry["agencies"]],
        actions=allowed_actions(user.role, entry["status"]), assignees=_assignees(ctx, names),
        duplicates_of=[(row["incident_id"], place_name(venue, row["location_id"]),
                        localized(by_id(venue.get("incident_categories")).get(row["category"], {}).get("name")))
                       for row in others],
        photos=[p for row in history for p in row["photos"]],
        times={k: local_time(entry.get(k), zone) for k in ("reported_at", "acknowledged_at", "resolved_at", "closed_at")},
        printed_at=local_time(ev.iso(ev.utc_now()), zone))
