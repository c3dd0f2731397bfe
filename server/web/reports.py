"""The commanders' report page: choose venue-local days, view the printable report, download each format."""
import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, request

from server.auth.roles import can
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


def links(first, last):
    """Return {format: URL of the report} for the chosen days in the page's language."""
    base = {"from": first.isoformat(), "to": last.isoformat()} if first else {}
    return {fmt: "/api/v1/reports?" + urlencode({**base, "format": fmt, "lang": select_language()})
            for fmt in FORMATS}


@bp.route("/command/reports")
def reports_page():
    """Serve the report page (commanders and admins)."""
    user, refusal = require_page("command")
    if refusal:
        return refusal
    if not can(user.role, "reports.read"):
        return render_page("error.html", "error", user, code=403), 403
    first, last, understood = chosen_days()
    asked = "from" in request.args
    period = (first.isoformat() + ("" if last == first else f" – {last.isoformat()}")) if first \
        else translate("reports.whole_event")
    return render_page("reports/page.html", "reports", user, first=first, last=last, understood=understood,
                       asked=asked, period=period, links=links(first, last) if understood and asked else None)
