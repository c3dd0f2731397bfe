"""HTML page routes: server-rendered shells that small ES modules bring to life."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from server import phase
from server.auth import csrf_token, current_user
from server.auth.roles import HOME, PAGES, ROLES, can
from server.store import UNAVAILABLE

from . import floorplan
from .i18n import localized, translate

bp = Blueprint("web", __name__)
# Wall-screen panels that ask for a hand (the middle column); the rest show the venue's state.
ACTION_PANELS = ("control/_incidents.html",)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'")


def home_for(role):
    """Return the home page of a role."""
    return HOME.get(role, "/login")


def csrf():
    """Return the CSRF token of the current session, or an empty string."""
    return csrf_token() or ""


def venue_public():
    """Return the loaded venue as its public dict, or None when none is loaded."""
    state = current_app.extensions.get("gatewatch")
    venue = getattr(state, "venue", None)
    if venue is None:
        return None
    return venue.to_public() if hasattr(venue, "to_public") else venue


def current_phase():
    """Return (phase id, since), or (None, None) while Redis is away (the page still works)."""
    try:
        return phase.current(current_app.extensions["gatewatch"])
    except UNAVAILABLE:
        current_app.logger.warning("guard page: current phase unavailable (Redis away)")
        return None, None


def phase_name(venue, phase_id):
    """Return the localized name of a phase ('—' when unknown)."""
    if not phase_id:
        return "—"
    for item in (venue or {}).get("phases") or []:
        if isinstance(item, dict) and item.get("id") == phase_id and item.get("name"):
            return localized(item["name"])
    text = translate(f"phase.{phase_id}")
    return phase_id if text == f"phase.{phase_id}" else text


def safe_next(target):
    """Return target if it is a same-site path, else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def require_page(page):
    """Return the user allowed on page; else a redirect to sign-in or a 403 page."""
    user = current_user()
    if user is None:
        path = request.full_path if request.query_string else request.path
        return None, redirect(url_for("web.login", next=path.rstrip("?")))
    if user.role not in PAGES[page]:
        current_app.logger.warning("page refused: %s (%s) on /%s", user.username, user.role, page)
        return None, (render_page("error.html", "error", user, code=403), 403)
    return user, None


def render_page(template, page, user, **context):
    """Render a page template with the shared context every page needs."""
    venue = venue_public()
    return render_template(template, page=page, user=user, csrf=csrf(),
                           venue=venue if user is not None else None,
                           venue_name=localized(venue["name"]) if venue else "Gatewatch",
                           can_ack=bool(user and can(user.role, "alerts.acknowledge")),
                           can_run_incidents=bool(user and can(user.role, "incidents.run")),
                           can_replay=bool(user and can(user.role, "state.replay")), **context)


@bp.route("/")
def index():
    """Send the visitor to the home page of their role."""
    user = current_user()
    if user is None:
        return redirect(url_for("web.login"))
    return redirect(home_for(user.role))


@bp.route("/login")
def login():
    """Show the sign-in form (or go on to next when already signed in)."""
    user = current_user()
    target = safe_next(request.args.get("next"))
    if user is not None and request.args.get("again") is None:
        if target and _allowed_path(user, target):
            return redirect(target)
        if not target:
            return redirect(home_for(user.role))
    return render_page("login.html", "login", user, next_url=target or "")


def _allowed_path(user, path):
    """Tell whether user may open the page at path (unknown paths are allowed)."""
    page = path.split("?", 1)[0].strip("/").split("/", 1)[0]
    return user.role in PAGES.get(page, ROLES)


@bp.route("/guard")
def guard():
    """Serve the guard's phone app."""
    user, refusal = require_page("guard")
    if refusal:
        return refusal
    venue, now = venue_public(), current_phase()
    return render_page("guard.html", "guard", user, groups=floorplan.checkpoint_groups(venue),
                       phase=now, phase_name=phase_name(venue, now[0]), guard_views=guard_views(),
                       guard_home=sorted(current_app.jinja_env.list_templates(
                           filter_func=lambda name: name.startswith("guard/home/_"))))


def guard_views():
    """Return the phone app's screens: one templates/guard/_<view>.html each, check-in first."""
    names = current_app.jinja_env.list_templates(
        filter_func=lambda name: name.startswith("guard/_") and name.endswith(".html"))
    views = sorted(name[len("guard/_"):-len(".html")] for name in names)
    return ["checkin"] + [v for v in views if v != "checkin"]


@bp.route("/control")
def control():
    """Serve the control-room wall screen."""
    user, refusal = require_page("control")
    if refusal:
        return refusal
    panels = sorted(current_app.jinja_env.list_templates(filter_func=lambda name: name.startswith("control/_")))
    return render_page("control.html", "control", user, plan=floorplan.plan(venue_public()),
                       action_panels=[p for p in panels if p in ACTION_PANELS],
                       status_panels=[p for p in panels if p not in ACTION_PANELS])


@bp.route("/command")
def command():
    """Serve the commander's timeline desk screen."""
    user, refusal = require_page("command")
    if refusal:
        return refusal
    venue = venue_public()
    types = current_app.extensions["gatewatch"].registry.types
    return render_page("command.html", "command", user, locations=floorplan.locations(venue),
                       event_types=tuple(types), can_edit_programme=can(user.role, "programme.edit"))


@bp.route("/admin")
def admin():
    """Serve the administration page: users (admins) and the watchlist (commanders and admins)."""
    user, refusal = require_page("admin")
    if refusal:
        return refusal
    return render_page("admin.html", "admin", user, roles=ROLES)


@bp.route("/sw.js")
def service_worker():
    """Serve the guard app's service worker from the site root so it may control /guard."""
    response = current_app.send_static_file("sw.js")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.after_app_request
def page_headers(response):
    """Add a strict same-origin Content-Security-Policy to HTML pages."""
    if response.mimetype != "text/html":  # parsed from the header on each read: read once
        return response
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = CSP
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response
