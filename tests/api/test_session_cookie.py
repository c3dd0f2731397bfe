"""The session cookie never outlives the session: Max-Age is the sliding session lifetime, renewed as it slides."""
import re

import pytest

LOGIN = "/api/v1/auth/login"
HOURS = 12


def session_cookie(answer):
    """Return the Set-Cookie header of the session cookie, or None."""
    found = [v for v in answer.headers.getlist("Set-Cookie") if v.startswith("gatewatch_session=")]
    assert len(found) <= 1
    return found[0] if found else None


def max_age(header):
    """Return the Max-Age of a Set-Cookie header."""
    return int(re.search(r"Max-Age=(-?\d+)", header).group(1))


def age_session(ctx, client, seconds):
    """Make the signed-in session older by some seconds (its TTL shorter), and forget the cache."""
    sid = client.get_cookie("gatewatch_session").value
    key = ctx.store.keys.of("session", sid)
    ctx.store.redis.expire(key, ctx.store.redis.ttl(key) - seconds)
    ctx.accounts.forget(sid=sid)


def test_the_cookie_lasts_as_long_as_the_session_and_slides_with_it(client, auth, ctx):
    answer = auth.login("alice", "guard")
    assert HOURS * 3600 - 300 <= max_age(session_cookie(answer)) <= HOURS * 3600
    assert session_cookie(client.get("/api/v1/auth/me")) is None  # nothing slid yet: no new cookie
    age_session(ctx, client, 600)
    renewed = client.get("/api/v1/auth/me")
    assert renewed.status_code == 200
    assert HOURS * 3600 - 300 <= max_age(session_cookie(renewed)) <= HOURS * 3600
    assert session_cookie(client.get("/api/v1/auth/me")) is None  # once per slide, not per answer
    age_session(ctx, client, 600)
    assert session_cookie(client.get("/guard")) is not None  # pages slide it too


def test_signing_out_clears_the_cookie_and_does_not_renew_it(client, auth):
    auth.login("alice", "guard")
    answer = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": auth.csrf})
    assert answer.status_code == 204
    cleared = session_cookie(answer)
    assert cleared.startswith("gatewatch_session=;") and max_age(cleared) == 0


def test_no_cookie_for_tokens_or_dead_sessions(app, bearer, client):
    assert session_cookie(app.test_client().get("/api/v1/auth/me", headers=bearer("phone", "guard"))) is None
    client.set_cookie("gatewatch_session", "not-a-session")
    answer = client.get("/api/v1/auth/me")
    assert answer.status_code == 401 and session_cookie(answer) is None


@pytest.fixture
def one_hour_app(redis_server, tmp_path):
    """The app with GATEWATCH_SESSION_HOURS=1."""
    from support import settings_for

    from server import create_app
    from server.app import build_context
    redis_server.client().flushall()
    return create_app({"TESTING": True}, ctx=build_context(settings_for(redis_server.url, tmp_path,
                                                                        session_hours=1)))


def test_the_cookie_follows_the_session_hours_setting(one_hour_app):
    from server.auth import users
    users.add_user(one_hour_app.extensions["gatewatch"], actor={"username": "test", "role": "admin"},
                   username="alice", role="guard", password="correct-horse-1")
    answer = one_hour_app.test_client().post(LOGIN, json={"username": "alice", "password": "correct-horse-1"})
    assert answer.status_code == 200
    assert 3600 - 300 <= max_age(session_cookie(answer)) <= 3600


def test_the_session_is_found_among_other_cookies_and_only_under_its_own_name(app, client, auth):
    auth.login("alice", "guard")
    sid = client.get_cookie("gatewatch_session").value
    fresh = app.test_client(use_cookies=False)  # sends only the Cookie header each case gives
    for header in (f"gatewatch_lang=zh-CN; gatewatch_session={sid}", f"gatewatch_session={sid};lang=en",
                   f"  a=1 ;gatewatch_session={sid} ; b=2"):
        answer = fresh.get("/api/v1/auth/me", headers={"Cookie": header})
        assert answer.status_code == 200 and "alice" in answer.get_data(as_text=True), header
    for header in (f"xgatewatch_session={sid}", f"gatewatch_sessionx={sid}", f"other={sid}; gatewatch_session=",
                   "gatewatch_session", ""):
        assert fresh.get("/api/v1/auth/me", headers={"Cookie": header}).status_code == 401, header
