"""The after-action report over HTTP: parse, authorise, build it off the loop, answer in a format."""
import json

from flask import Blueprint, Response, render_template

from server.api.common import gw
from server.api.spec import operation
from server.offload import run_heavy
from server.reports import html, service
from server.reports.models import Report, ReportQuery
from server.reports.produce import MEDIA, filename, produce
from server.visibility import Viewer
from server.web.i18n import normalise, select_language, translate

bp = Blueprint("reports", __name__, url_prefix="/api/v1")


@bp.get("/reports")
@operation("reports.read", tag="reports", query=ReportQuery, answer=Report,
           formats=tuple(MEDIA[f] for f in ("csv", "html", "xlsx")))
def report(user, query):
    """Return the after-action report of venue-local days (no dates: the whole event), or of one
    meeting of the programme (`meeting=DATE.MEETING`: its check, session and clearance).

    `format`: json (default), html (printable on A4), xlsx (one sheet per part) or csv (a zip
    of one UTF-8 file per part). html, xlsx and csv speak the reader's language (`lang`, else
    the lang cookie, else Accept-Language). Personal data as the reader's role may see it.
    """
    ctx = gw()
    lang = normalise(query.lang) or select_language()
    # The reads (and the download's audit entry), here on the loop.
    inputs = service.gather(ctx, query.from_, query.to, actor=user.actor(), fmt=query.format, meeting=query.meeting)
    inputs = service.ready(ctx, inputs)  # the figures, off the loop: kept ones when the days are over
    built, encoded = run_heavy(ctx, produce, ctx.venue, inputs, Viewer(user.role, user.username), query.format,
                               lang, kind="report")
    if query.format == "json":
        # In the report's own order (parts, columns), as the sheets lay them out: not sorted.
        answer = Response(json.dumps(built, ensure_ascii=False), mimetype="application/json")
    elif query.format == "html":
        page = render_template("reports/report.html", role_name=translate(f"role.{user.role}"),
                               **html.context(built, ctx.venue, lang))
        answer = Response(page, mimetype="text/html")
    else:
        answer = Response(encoded, mimetype=MEDIA[query.format])
        answer.headers["Content-Disposition"] = f'attachment; filename="{filename(built, query.format)}"'
    answer.headers["Cache-Control"] = "no-store"  # names of guards, reasons given: not for shared caches
    return answer

