"""JSON API v1: thin views — parse, authorise, call a service, answer."""
from server.api import accounts, common, health, openapi, patrols
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from server.errors import GatewatchError
from server.store import UNAVAILABLE, IdempotencyConflict


def init_app(app):
    """Register the API blueprints and their error handlers."""
    for module in (accounts, patrols, openapi, health):
        app.register_blueprint(module.bp)
    app.register_error_handler(GatewatchError, common.error)
    app.register_error_handler(IdempotencyConflict, common.reused)
    app.register_error_handler(RequestEntityTooLarge, common.too_large)
    # 404, 405 and any other HTTP error (an unexpected exception too) as JSON under /api/v1.
    app.register_error_handler(HTTPException, common.http_error)
    for exc in UNAVAILABLE:
        app.register_error_handler(exc, common.unavailable)
