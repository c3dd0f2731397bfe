"""The visitors desk on /command: the on-site list, the expected list, CSV import, the roll-call."""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app

from server import events as ev
from server.visitors import service as visitors
from server.visibility import Viewer

from .i18n import localized
from .pages import render_page, require_page

bp = Blueprint("desk", __name__)


@bp.route("/command/visitors")
def visitors_desk():
    """Serve the operators' visitors desk (the data comes from the API)."""
    user, refusal = require_page("command")
    if refusal:
        return refusal
    gw = current_app.extensions["gatewatch"]
    entrances = [(e.id, localized(e.name)) for e in gw.venue.entrances]
    return render_page("visitors_desk.html", "visitors", user, entrances=entrances)


def _local(iso, zone, today):
    """Return an ISO time as venue-local HH:MM, with the date when it is not today."""
    moment = ev.parse_iso(iso).astimezone(zone)
    return moment.strftime("%H:%M") if moment.date() == today else moment.strftime("%m-%d %H:%M")


def roll_call(gw, viewer, now):
    """Return who is inside now, grouped by the entrance they came in by (venue order)."""
    zone = ZoneInfo(gw.venue.timezone)
    today = now.astimezone(zone).date()
    inside = sorted(visitors.list_visitors(gw, viewer=viewer, on_site=True), key=lambda v: v["registered_at"])
    groups = []
    for entrance in [*gw.venue.entrances, None]:
        ident = entrance.id if entrance else None
        known = {e.id for e in gw.venue.entrances}
        rows = [dict(v, time_in=_local(v["registered_at"], zone, today)) for v in inside
                if (v["entrance_id"] == ident if entrance else v["entrance_id"] not in known)]
        if rows:
            groups.append({"id": ident or "?", "name": localized(entrance.name) if entrance else "?", "rows": rows})
    return {"groups": groups, "total": len(inside),
            "printed_at": now.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), "timezone": gw.venue.timezone}


@bp.route("/command/roll-call")
def roll_call_page():
    """Serve the printable emergency roll-call: who is inside now, by entrance (A4)."""
    user, refusal = require_page("command")
    if refusal:
        return refusal
    now = ev.utc_now()
    return render_page("roll_call.html", "roll-call", user,
                       roll=roll_call(current_app.extensions["gatewatch"], Viewer(user.role, user.username), now))
