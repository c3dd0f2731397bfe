"""JSON API v1: the core routes, every concept's blueprint (from the registry), error handlers."""
import importlib

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from server.api import common, core, health, openapi
from server.errors import GatewatchError
from server.store import UNAVAILABLE, IdempotencyConflict


def blueprint(spec):
    """Import a concept's blueprint from its "module:attr" name."""
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


def init_app(app):
    """Register the API blueprints and their error handlers."""
    ctx = app.extensions["gatewatch"]
    for bp in (core.bp, openapi.bp, health.bp, *map(blueprint, ctx.registry.views())):
        app.register_blueprint(bp)
    app.register_error_handler(GatewatchError, common.error)
    app.register_error_handler(IdempotencyConflict, common.reused)
    app.register_error_handler(RequestEntityTooLarge, common.too_large)
    # 404, 405 and any other HTTP error (an unexpected exception too) as JSON under /api/v1.
    app.register_error_handler(HTTPException, common.http_error)
    for exc in UNAVAILABLE:
        app.register_error_handler(exc, common.unavailable)
