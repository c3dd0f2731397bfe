"""The audit log page on /command/audit: the chain's entries, newest first (commanders and admins)."""
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, request

from server import events as ev
from server.audit import service
from server.visibility import Viewer

from .i18n import translate
from .pages import render_page, require_page

bp = Blueprint("audit_page", __name__)
PAGE = 50


@bp.route("/command/audit")
def audit_page():
    """Serve the audit log, shaped for the viewer, with the chain head and a link to older entries."""
    user, refusal = require_page("audit")
    if refusal:
        return refusal
    ctx = current_app.extensions["gatewatch"]
    before = request.args.get("before")
    before = before if before and ev.valid_id(before) else None
    entries, older = service.list_entries(ctx, Viewer(user.role, user.username), before=before, limit=PAGE)
    zone = ZoneInfo(ctx.venue.timezone)
    for entry in entries:  # shown in venue time, like every page
        entry["local_at"] = ev.parse_iso(entry["at"]).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        entry["details"] = [(_label(k), _shown(v)) for k, v in (entry.get("detail") or {}).items()
                            if v not in (None, "", [])]
    return render_page("command/audit.html", "audit", user, entries=entries, older=older,
                       head=service.chain_head(ctx), timezone=ctx.venue.timezone)


def _label(key):
    """Return a detail's name in the reader's language (the key itself when none is written)."""
    text = translate(f"audit.detail.{key}")
    return key if text == f"audit.detail.{key}" else text


def _shown(value):
    """Return a detail's value as text (a list joined)."""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
