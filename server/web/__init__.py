"""HTML pages (login, guard app, control room, command desk, admin, API docs) and their i18n."""
from . import apidocs, audit, desk, incidents, replay, reports, setup
from .i18n import init_i18n
from .pages import bp


def init_app(app):
    """Register the page routes and the i18n helpers on the Flask app."""
    init_i18n(app)
    app.register_blueprint(bp)
    app.register_blueprint(apidocs.bp)
    app.register_blueprint(setup.bp)
    app.register_blueprint(desk.bp)
    app.register_blueprint(incidents.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(replay.bp)
    app.register_blueprint(audit.bp)
