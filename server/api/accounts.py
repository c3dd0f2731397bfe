"""Sign-in, sign-out and user administration."""
from flask import Blueprint, jsonify, make_response, request

from server.api.common import answered, body, gw, idempotency
from server.auth import clear_session_cookie, current_user, require, set_session_cookie
from server.auth import throttle
from server.auth import users as accounts
from server.errors import Forbidden, InvalidInput

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1")


@bp.post("/auth/login")
def login():
    """Sign in with username and password; set the session cookie."""
    data = body()
    username, password = data.get("username"), data.get("password")
    fields = {k: "required" for k in ("username", "password") if not isinstance(data.get(k), str) or not data.get(k)}
    if fields:
        raise InvalidInput("Enter your username and password.", fields=fields)
    # No account has a longer name or password; refusing them keeps a megabyte "username"
    # out of the throttle keys and a megabyte "password" out of the hash.
    fields = {k: f"at most {n} characters" for k, n in (("username", 64), ("password", 1024))
              if len(data[k]) > n}
    if fields:
        raise InvalidInput("Wrong username or password.", fields=fields)
    ctx, address = gw(), request.remote_addr or "-"
    try:
        throttle.check(ctx, username, address)
    except throttle.Throttled as exc:
        response = jsonify(exc.to_dict())
        response.status_code, response.headers["Retry-After"] = 429, str(exc.retry_after)
        return response
    rec = accounts.authenticate(ctx, username=username, password=password)
    if not rec:
        throttle.failed(ctx, username, address)
        return jsonify({"error": {"code": "bad_credentials", "fields": {},
                                  "message": "Wrong username or password."}}), 401
    throttle.succeeded(ctx, username, address)
    sid, csrf = ctx.accounts.create_session(rec["username"], ctx.settings.session_hours * 3600)
    return set_session_cookie(jsonify({"user": accounts.public(rec), "csrf_token": csrf}), sid)


@bp.post("/auth/logout")
def logout():
    """Sign out: end the session here and drop its live sockets everywhere."""
    user = current_user()
    if user and user.session_id:
        if request.headers.get("X-CSRF-Token") != user.csrf:
            raise Forbidden("Missing or wrong X-CSRF-Token header.", code="csrf")
        accounts.sign_out(gw(), actor=user.actor(), session_id=user.session_id)
    return clear_session_cookie(make_response("", 204))


@bp.get("/auth/me")
def me():
    """Return the signed-in user and a CSRF token (a phone re-checks before replaying its outbox)."""
    user = current_user()
    if not user:
        return jsonify({"error": {"code": "unauthorized", "message": "Sign in first.", "fields": {}}}), 401
    return jsonify({"user": {"username": user.username, "role": user.role,
                             "display_name": user.display_name}, "csrf_token": user.csrf})


@bp.get("/users")
@require("users.manage")
def list_users(user):
    """List users."""
    return jsonify({"users": [accounts.public(r) for r in gw().accounts.list_users()]})


@bp.post("/users")
@require("users.manage")
def create_user(user):
    """Create a user."""
    idem = idempotency(user)
    data = body()
    return answered(accounts.add_user(gw(), actor=user.actor(), idem=idem,
                                      username=data.get("username"), role=data.get("role"),
                                      password=data.get("password"),
                                      display_name=data.get("display_name") or None))


@bp.post("/users/<username>/disable", defaults={"disabled": True})
@bp.post("/users/<username>/enable", defaults={"disabled": False})
@require("users.manage")
def set_disabled(user, username, disabled):
    """Disable a user (ending their sessions, tokens and live sockets), or enable them again."""
    idem = idempotency(user)
    return answered(accounts.set_disabled(
        gw(), actor=user.actor(), username=username, disabled=disabled, idem=idem))


@bp.post("/users/<username>/password")
@require("users.manage")
def reset_password(user, username):
    """Set a user's password."""
    idem = idempotency(user)
    data = body()
    return answered(accounts.reset_password(gw(), actor=user.actor(), username=username,
                                            password=data.get("password"), idem=idem))
