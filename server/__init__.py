"""Gatewatch: real-time security operations for venues hosting major meetings.

Importing this package does no work and imports neither Flask nor Redis, so that the entry
point can monkey-patch (eventlet/gevent) before anything else is loaded.
"""


def create_app(config=None, ctx=None):
    """Create the Flask app (see server.app.create_app)."""
    from server.app import create_app as _create_app  # deferred: keep package import free

    return _create_app(config, ctx)
