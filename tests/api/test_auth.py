"""Sign-in, sign-out, throttling, sessions, bearer tokens and CSRF (DESIGN §5 Auth)."""
import uuid

LOGIN = "/api/v1/auth/login"
CHECKIN = {"checkpoint_id": "E1", "status": "clear"}


def set_cookie_header(answer):
    """Return the Set-Cookie header of the session cookie."""
    cookies = [v for v in answer.headers.getlist("Set-Cookie") if v.startswith("gatewatch_session=")]
    assert len(cookies) == 1, answer.headers.getlist("Set-Cookie")
    return cookies[0]


def test_login_returns_user_and_csrf_and_sets_a_safe_cookie(client, auth):
    auth.user("alice", "operator")
    answer = client.post(LOGIN, json={"username": "alice", "password": "correct-horse-1"})
    assert answer.status_code == 200
    body = answer.get_json()
    user = body["user"]
    assert (user["username"], user["role"], user["display_name"]) == ("alice", "operator", "alice")
    assert isinstance(body["csrf_token"], str) and len(body["csrf_token"]) >= 20
    assert "pw_hash" not in answer.get_data(as_text=True)
    cookie = set_cookie_header(answer).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie.split(";")[1:]  # plain HTTP here: Secure only under HTTPS
    assert client.get("/api/v1/state").status_code == 200  # the cookie signs the client in


def test_wrong_password_is_401_with_an_error_body(client, auth):
    auth.user("alice", "guard")
    answer = client.post(LOGIN, json={"username": "alice", "password": "wrong-password-9"})
    assert answer.status_code == 401
    error = answer.get_json()["error"]
    assert error["code"] and error["message"] and error["fields"] == {}
    assert "csrf_token" not in answer.get_json()
    assert client.get("/api/v1/auth/me").status_code == 401  # not signed in


def test_unknown_user_gets_the_same_401_as_a_wrong_password(client, auth):
    auth.user("alice", "guard")
    wrong = client.post(LOGIN, json={"username": "alice", "password": "wrong-password-9"})
    unknown = client.post(LOGIN, json={"username": "nobody", "password": "wrong-password-9"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()  # does not reveal which usernames exist


def test_missing_or_mistyped_fields_are_400_naming_them(client):
    cases = [({}, {"username", "password"}), ({"username": "alice"}, {"password"}),
             ({"password": "x"}, {"username"}), ({"username": "", "password": ""}, {"username", "password"}),
             ({"username": 5, "password": ["x"]}, {"username", "password"})]
    for sent, named in cases:
        answer = client.post(LOGIN, json=sent)
        assert answer.status_code == 400, sent
        assert set(answer.get_json()["error"]["fields"]) == named, sent
    answer = client.post(LOGIN, data="username=alice", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400 and answer.get_json()["error"]["fields"]


def test_sixth_failure_from_the_same_address_is_throttled(client, auth, app):
    auth.user("alice", "guard")
    for _ in range(5):
        assert client.post(LOGIN, json={"username": "alice", "password": "wrong-password-9"}).status_code == 401
    answer = client.post(LOGIN, json={"username": "alice", "password": "wrong-password-9"})
    assert answer.status_code == 429
    assert int(answer.headers["Retry-After"]) > 0
    assert answer.get_json()["error"]["code"]
    # even the right password waits now, from that address ...
    assert client.post(LOGIN, json={"username": "alice", "password": "correct-horse-1"}).status_code == 429
    # ... but not from another one
    other = app.test_client()
    answer = other.post(LOGIN, json={"username": "alice", "password": "correct-horse-1"},
                        environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert answer.status_code == 200


def test_a_success_resets_the_failure_count(client, auth):
    auth.user("alice", "guard")
    for _ in range(4):
        client.post(LOGIN, json={"username": "alice", "password": "wrong-password-9"})
    assert client.post(LOGIN, json={"username": "alice", "password": "correct-horse-1"}).status_code == 200
    for _ in range(4):
        assert client.post(LOGIN, json={"username": "alice", "password": "wrong-password-9"}).status_code == 401
    assert client.post(LOGIN, json={"username": "alice", "password": "correct-horse-1"}).status_code == 200


def test_logout_ends_the_session_on_the_server(client, auth, app):
    auth.login("alice", "operator")
    assert client.get("/api/v1/state").status_code == 200
    stolen = client.get_cookie("gatewatch_session").value
    answer = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": auth.csrf})
    assert answer.status_code in (200, 204)
    assert client.get("/api/v1/state").status_code == 401
    # the old cookie, replayed by someone who copied it, no longer works either
    replay = app.test_client()
    replay.set_cookie("gatewatch_session", stolen)
    assert replay.get("/api/v1/state").status_code == 401
    assert replay.get("/api/v1/auth/me").status_code == 401


def test_logout_needs_the_csrf_token(client, auth):
    auth.login("alice", "operator")
    answer = client.post("/api/v1/auth/logout")
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "csrf"
    assert client.get("/api/v1/state").status_code == 200  # a forged sign-out did nothing


def test_disabled_user_cannot_log_in(client, auth, ctx, runner):
    auth.user("alice", "guard")
    assert runner("users", "disable", "alice")[0] == 0
    answer = client.post(LOGIN, json={"username": "alice", "password": "correct-horse-1"})
    assert answer.status_code == 401
    assert "csrf_token" not in answer.get_json()


def test_bearer_token_works_without_csrf(client, auth, ctx):
    auth.user("phone-guard", "guard")
    token = ctx.accounts.create_token("phone-guard", "phone")
    answer = client.post("/api/v1/checkins", json=CHECKIN,
                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["event"]["actor"] == {"username": "phone-guard", "role": "guard"}


def test_a_wrong_bearer_token_is_401_even_with_a_valid_cookie(client, auth):
    auth.login("alice", "operator")
    answer = client.get("/api/v1/state", headers={"Authorization": "Bearer gw_not-a-real-token"})
    assert answer.status_code == 401


def test_cookie_post_without_or_with_wrong_csrf_is_refused(client, auth, timeline):
    auth.login("alice", "guard")
    for headers in ({}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": auth.csrf + "x"}):
        headers = {"Idempotency-Key": uuid.uuid4().hex, **headers}
        answer = client.post("/api/v1/checkins", json=CHECKIN, headers=headers)
        assert answer.status_code == 403, headers
        assert answer.get_json()["error"]["code"] == "csrf"
    assert timeline("patrol.checkin") == []  # nothing was recorded
    assert auth.post("/api/v1/checkins", json=CHECKIN).status_code == 201


def test_csrf_token_of_another_session_is_refused(client, auth, login_as):
    auth.login("alice", "guard")
    bob = login_as("bob", "guard")
    answer = client.post("/api/v1/checkins", json=CHECKIN,
                         headers={"X-CSRF-Token": bob.csrf, "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "csrf"


def test_me_returns_the_user_and_the_session_csrf_token(client, auth):
    assert client.get("/api/v1/auth/me").status_code == 401
    auth.login("alice", "commander")
    answer = client.get("/api/v1/auth/me")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["user"] == {"username": "alice", "role": "commander", "display_name": "alice"}
    assert body["csrf_token"] == auth.csrf  # a phone refreshes its token here before replaying


def test_me_with_a_bearer_token(client, auth, ctx):
    auth.user("wall", "display")
    token = ctx.accounts.create_token("wall", "screen")
    answer = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.get_json()["user"]["role"] == "display"
