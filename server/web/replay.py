"""/command/replay: the control-room wall drawn from the state at a past moment (commanders, admins)."""
from flask import Blueprint, current_app

from server.auth.roles import can

from . import floorplan
from .pages import ACTION_PANELS, render_page, require_page, venue_public

bp = Blueprint("replay", __name__)


@bp.route("/command/replay")
def replay_page():
    """Serve the replay of the wall: the same page modules as /control, fed by /api/v1/state?at=."""
    user, refusal = require_page("command")
    if refusal:
        return refusal
    if not can(user.role, "state.replay"):
        current_app.logger.warning("page refused: %s (%s) on /command/replay", user.username, user.role)
        return render_page("error.html", "error", user, code=403), 403
    panels = sorted(current_app.jinja_env.list_templates(filter_func=lambda name: name.startswith("control/_")))
    page = render_page("control.html", "control", user, plan=floorplan.plan(venue_public()), replay=True,
                       action_panels=[p for p in panels if p in ACTION_PANELS],
                       status_panels=[p for p in panels if p not in ACTION_PANELS])
    return page
