"""Sign-in, sign-out and user administration."""
from flask import Blueprint, jsonify, make_response, request

from server.accounts.models import (LoginAnswer, LoginRequest, MeAnswer, NewUserAnswer, NewUserRequest,
                                    PasswordRequest, UserAnswer, UsersAnswer)
from server.api.common import answered, gw
from server.api.spec import operation
from server.auth import clear_session_cookie, current_user, set_session_cookie
from server.auth import throttle
from server.auth import users as accounts
from server.errors import Forbidden

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1")


@bp.post("/auth/login")
@operation(tag="auth", public=True, body=LoginRequest, answer=LoginAnswer, errors=(401, 429))
def login(_user, body):
    """Sign in with username and password; set the session cookie."""
    username, password = body.username, body.password
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
@operation(tag="auth", public=True, status=204, errors=(403,))
def logout(_user):
    """Sign out: end the session here and drop its live sockets everywhere."""
    user = current_user()
    if user and user.session_id:
        if request.headers.get("X-CSRF-Token") != user.csrf:
            raise Forbidden("Missing or wrong X-CSRF-Token header.", code="csrf")
        accounts.sign_out(gw(), actor=user.actor(), session_id=user.session_id)
    return clear_session_cookie(make_response("", 204))


@bp.get("/auth/me")
@operation(tag="auth", public=True, answer=MeAnswer, errors=(401,))
def me(_user):
    """Return the signed-in user and a CSRF token (a phone re-checks before replaying its outbox)."""
    user = current_user()
    if not user:
        return jsonify({"error": {"code": "unauthorized", "message": "Sign in first.", "fields": {}}}), 401
    return jsonify({"user": {"username": user.username, "role": user.role,
                             "display_name": user.display_name}, "csrf_token": user.csrf})


@bp.get("/users")
@operation("users.manage", tag="admin", answer=UsersAnswer)
def list_users(user):
    """List users."""
    return jsonify({"users": [accounts.public(r) for r in gw().accounts.list_users()]})


@bp.post("/users")
@operation("users.manage", tag="admin", body=NewUserRequest, answer=NewUserAnswer, status=201,
           creating=True, errors=(409,))
def create_user(user, body, idem):
    """Create a user."""
    return answered(accounts.add_user(gw(), actor=user.actor(), idem=idem, username=body.username,
                                      role=body.role, password=body.password,
                                      display_name=body.display_name or None))


@bp.post("/users/<username>/disable", defaults={"disabled": True})
@bp.post("/users/<username>/enable", defaults={"disabled": False})
@operation("users.manage", tag="admin", answer=UserAnswer, creating=True, errors=(409,))
def set_disabled(user, username, disabled, idem):
    """Disable a user (ending their sessions, tokens and live sockets), or enable them again."""
    return answered(accounts.set_disabled(
        gw(), actor=user.actor(), username=username, disabled=disabled, idem=idem))


@bp.post("/users/<username>/password")
@operation("users.manage", tag="admin", body=PasswordRequest, answer=UserAnswer, creating=True)
def reset_password(user, username, body, idem):
    """Set a user's password."""
    return answered(accounts.reset_password(gw(), actor=user.actor(), username=username,
                                            password=body.password, idem=idem))
