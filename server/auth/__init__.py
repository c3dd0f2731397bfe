"""Sign-in state for HTTP: sessions, bearer tokens, CSRF and the role checks on every route."""
import hmac
import ipaddress
import logging
from dataclasses import dataclass

from flask import current_app, g, request
from flask.sessions import SessionInterface

from server.auth.roles import can
from server.errors import Forbidden, Unauthorized

log = logging.getLogger("gatewatch.auth")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# The cookie carries only an opaque random session id (256 bits); Redis holds the session.
# Nothing to sign or decode per request: an unknown id is simply not a session.
COOKIE = "gatewatch_session"
# The cookie must not outlive the session: its Max-Age is the session lifetime less this
# margin, because Redis slides a session's expiry only once it has lagged a minute and a
# process trusts its cached look-up for a few seconds (server/store/accounts.py).
COOKIE_MARGIN_SECONDS = 120


@dataclass
class User:
    """The signed-in user of this request."""

    username: str
    role: str
    display_name: str
    session_id: str | None = None
    csrf: str | None = None
    via_token: bool = False
    slid: bool = False  # this request extended the session: renew the cookie with it

    def actor(self):
        """Return the actor recorded on events."""
        return {"username": self.username, "role": self.role}


def _gw():
    """Return the app's services object."""
    return current_app.extensions["gatewatch"]


def _load_user():
    """Find the user from a bearer token or the session cookie."""
    gw = _gw()
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        rec = gw.accounts.token_record(header[7:].strip())
        if rec and rec.get("disabled") != "1":
            return User(rec["username"], rec["role"], rec.get("display_name") or rec["username"],
                        via_token=True)
        return None
    sid = _session_cookie()
    if not sid or len(sid) > 128:
        return None
    sess, rec = gw.accounts.session_user(sid, gw.settings.session_hours * 3600)
    if not rec or rec.get("disabled") == "1":
        return None
    # The cached copy is shared for a few seconds: take the mark so only this request renews.
    slid = bool(sess.pop("_slid", False))
    return User(rec["username"], rec["role"], rec.get("display_name") or rec["username"],
                session_id=sid, csrf=sess.get("csrf"), slid=slid)


def _session_cookie():
    """Return the session cookie's value, or None.

    Read from the header itself: werkzeug parses every cookie into a dict (~8 µs) on each
    request, and a session id is plain URL-safe text, never quoted.
    """
    header = request.environ.get("HTTP_COOKIE")
    if not header or COOKIE not in header:
        return None
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


def socket_user(auth):
    """Return the User of a Socket.IO handshake: `auth.token`, else the session cookie."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token:
        rec = _gw().accounts.token_record(token)
        if rec and rec.get("disabled") != "1":
            return User(rec["username"], rec["role"], rec.get("display_name") or rec["username"],
                        via_token=True)
        return None
    return _load_user()


def current_user():
    """Return the signed-in User of this request, or None."""
    here = g._get_current_object()  # a proxy lookup is ~1.4 µs; this runs several times a request
    if "user" not in here:
        here.user = _load_user()
    return here.user


def _loopback(address):
    """Tell whether an address is this machine's own (127/8, ::1, or v4-mapped 127/8)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return ip.is_loopback or bool(getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback)


def may_read_metrics():
    """Tell whether this request may read /metrics: from loopback, or with the metrics token.

    Behind the compose nginx the forwarded client address counts (GATEWATCH_PROXY_HOPS).
    """
    token = _gw().settings.metrics_token
    header = request.headers.get("Authorization", "")
    if token and header.lower().startswith("bearer "):
        if hmac.compare_digest(header[7:].strip().encode(), token.encode()):
            return True
    allowed = _loopback(request.remote_addr)
    if not allowed:
        log.warning("refused /metrics to %s: not loopback and no metrics token", request.remote_addr)
    return allowed


def csrf_token():
    """Return the CSRF token of the current session ('' without one)."""
    user = current_user()
    return (user.csrf or "") if user else ""


def _check_csrf(user):
    """Refuse a cookie-authenticated unsafe request without the session's CSRF token."""
    req = request._get_current_object()
    if user.via_token or req.method not in UNSAFE:
        return
    sent = req.headers.get("X-CSRF-Token", "")
    # As bytes: compare_digest refuses non-ASCII str, and a header may hold any latin-1 byte.
    if not user.csrf or not hmac.compare_digest(sent.encode(), user.csrf.encode()):
        log.warning("refused %s %s for %s: bad CSRF token", req.method, req.path, user.username)
        raise Forbidden("Missing or wrong X-CSRF-Token header.", code="csrf")


def authorize(permission):
    """Return the signed-in user of this request if CSRF-checked and holding the permission."""
    user = current_user()
    if not user:
        raise Unauthorized("Sign in first.")
    _check_csrf(user)
    if not can(user.role, permission):
        log.warning("refused %s %s for %s (%s): needs %s", request.method, request.path,
                    user.username, user.role, permission)
        raise Forbidden(f"Your role ({user.role}) may not do this.")
    return user


def cookie_seconds():
    """Return the session cookie's Max-Age: the sliding session lifetime, less the margin."""
    lifetime = _gw().settings.session_hours * 3600
    return int(max(lifetime - COOKIE_MARGIN_SECONDS, lifetime / 2))


def set_session_cookie(response, sid):
    """Give the browser its session id: HttpOnly, SameSite=Lax, Secure under HTTPS."""
    secure = _gw().settings.secure_cookies or request.is_secure
    response.set_cookie(COOKIE, sid, max_age=cookie_seconds(), httponly=True, samesite="Lax",
                        secure=secure, path="/")
    return response


def _slide_cookie(response):
    """Renew the session cookie when this request slid the session (at most once a minute)."""
    user = g.get("user")
    if user and user.session_id and user.slid and not any(v.startswith(COOKIE + "=")
                                            for v in response.headers.getlist("Set-Cookie")):
        set_session_cookie(response, user.session_id)  # not after sign-out, which clears it
    return response


def clear_session_cookie(response):
    """Remove the session cookie."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax")
    return response


class NoFlaskSession(SessionInterface):
    """Gatewatch keeps sessions in Redis behind an opaque cookie; Flask's signed cookie
    session is unused, and building its serializer on every request was measurable."""

    def open_session(self, app, request):
        """Return no session (Flask substitutes a null one)."""
        return None

    def save_session(self, app, session, response):
        """Save nothing."""


def init_app(app):
    """Turn Flask's own cookie session off; slide the session cookie with the session."""
    app.session_interface = NoFlaskSession()
    app.after_request(_slide_cookie)
