"""Socket.IO: the /live namespace and this process's stream tailer (DESIGN §5)."""
import logging

from flask import request
from flask_socketio import Namespace, SocketIO

from server import events as ev
from server.auth import socket_user
from server.auth.roles import can
from server.context import Runner
from server.realtime import packets
from server.realtime.hub import NAMESPACE, Hub

log = logging.getLogger("gatewatch.live")


class LiveNamespace(Namespace):
    """Authenticated live feed with resume from a cursor."""

    def __init__(self, hub):
        super().__init__(NAMESPACE)
        self.hub = hub

    def on_connect(self, auth=None):
        """Accept a signed-in client and start delivering events after its cursor."""
        user = socket_user(auth or {})
        if not user or not can(user.role, "live.connect"):
            log.warning("refused /live connection from %s: not signed in", request.remote_addr)
            raise ConnectionRefusedError("unauthorized")
        since = (auth or {}).get("since")
        if since is not None and not ev.valid_id(since):
            raise ConnectionRefusedError("bad since cursor")
        # Last statement: the catch-up task must not run before the connection is accepted.
        self.hub.connect(request.sid, user, since)

    def on_disconnect(self, *args):
        """Forget the client."""
        self.hub.disconnect(request.sid)

    def trigger_event(self, event, *args):
        """Refuse (and log) any client event this namespace does not define."""
        if event in ("connect", "disconnect"):
            return super().trigger_event(event, *args)
        log.warning("refused socket event %r on %s from sid %s", event, NAMESPACE, args[0] if args else "?")
        return None


def refuse_default(auth=None):
    """Refuse the default namespace: everything live is on /live, behind sign-in."""
    log.warning("refused connection to the default namespace from %s", request.remote_addr)
    raise ConnectionRefusedError("use the /live namespace")


def init_app(app):
    """Attach Socket.IO and the hub; background tasks start with start(app)."""
    ctx = app.extensions["gatewatch"]
    origins = ctx.settings.allowed_origins or None  # None: same origin as the Host header only
    socketio = SocketIO(app, async_mode=ctx.settings.async_mode, cors_allowed_origins=origins,
                        ping_interval=10, ping_timeout=20, manage_session=False, json=packets)
    socketio.server.packet_class = packets.JsonPacket
    hub = Hub(ctx, socketio)
    socketio.on_namespace(LiveNamespace(hub))
    socketio.on_event("connect", refuse_default, namespace="/")
    ctx.runner = Runner(start=socketio.start_background_task, sleep=socketio.sleep)
    app.extensions["gatewatch_hub"] = hub


def socketio_of(app):
    """Return the app's SocketIO object."""
    return app.extensions["socketio"]


def start(app):
    """Start this process's tailer and heartbeat."""
    app.extensions["gatewatch_hub"].start()


def run(app, *, host, port, max_connections, server_options=None, tls=None):
    """Serve HTTP and Socket.IO with the configured async server (options from the entry point).

    tls: (certfile, keyfile) to serve HTTPS, as each server takes them.
    """
    socketio = socketio_of(app)
    kwargs = {"host": host, "port": port, "log_output": False, **(server_options or {})}
    if socketio.async_mode == "eventlet":
        kwargs["max_size"] = max_connections  # eventlet's default is 1,024 (DESIGN §9.3)
    if socketio.async_mode == "threading":
        kwargs["allow_unsafe_werkzeug"] = True
    if tls and socketio.async_mode == "threading":
        kwargs["ssl_context"] = tuple(tls)
    elif tls:  # eventlet wraps its listening socket; gevent's WSGIServer takes the same names
        kwargs.update(certfile=tls[0], keyfile=tls[1])
    socketio.run(app, **kwargs)
