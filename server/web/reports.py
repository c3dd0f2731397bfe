"""The commanders' report page: choose venue-local days, view the printable report, download each format."""
import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, current_app, request

from server.auth.roles import can
from server.errors import InvalidInput
from server.programme import service as programme
from server.reports.models import MAX_DAYS

from .i18n import select_language, translate
from .pages import render_page, require_page

bp = Blueprint("report_pages", __name__)
FORMATS = ("html", "xlsx", "csv", "json")


def _day(text):
    """Return a YYYY-MM-DD text as a date, or None."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def chosen_days():
    """Return (from, to, understood): the days asked for; understood is False for a range the API refuses."""
    first, last = _day(request.args.get("from", "")), _day(request.args.get("to", ""))
    if first is None:
        return None, None, not request.args.get("from") and not last
    last = last or first
    understood = first <= last and (last - first).days < MAX_DAYS
    return first, last, understood


def links(first, last, meeting=None):
    """Return {format: URL of the report} for the chosen days (or meeting) in the page's language."""
    base = {"meeting": meeting["meeting_id"]} if meeting else \
        {"from": first.isoformat(), "to": last.isoformat()} if first else {}
    return {fmt: "/api/v1/reports?" + urlencode({**base, "format": fmt, "lang": select_language()})
            for fmt in FORMATS}


def meetings_of(first, last):
    """Return the programme's meetings of the chosen days (none chosen: today's), by date and start."""
    ctx = current_app.extensions["gatewatch"]
    try:
        found = programme.days(ctx, first=first, last=last if first else None)["days"]
    except InvalidInput:  # dates the programme does not cover (before 2000, after 2999)
        return []
    return [m for day in (found if first else found[:1]) for m in day["occurrences"]]


def meeting_label(meeting):
    """Return "2026-05-18 09:00 全体会议" in the page's language."""
    name = meeting["name"].get("en" if select_language() == "en" else "zh-CN")
    return f"{meeting['date']} {meeting['start_local']} {name}"


@bp.route("/command/reports")
def reports_page():
    """Serve the report page (commanders and admins)."""
    user, refusal = require_page("command")
    if refusal:
        return refusal
    if not can(user.role, "reports.read"):
        return render_page("error.html", "error", user, code=403), 403
    first, last, understood = chosen_days()
    asked = "from" in request.args or "meeting" in request.args
    meetings = meetings_of(first, last) if understood else []
    meeting = next((m for m in meetings if m["meeting_id"] == request.args.get("meeting")), None)
    period = meeting_label(meeting) if meeting else \
        (first.isoformat() + ("" if last == first else f" – {last.isoformat()}")) if first \
        else translate("reports.whole_event")
    return render_page("reports/page.html", "reports", user, first=first, last=last, understood=understood,
                       asked=asked, period=period, meetings=[(m["meeting_id"], meeting_label(m)) for m in meetings],
                       meeting=meeting and meeting["meeting_id"],
                       links=links(first, last, meeting) if understood and asked else None)
