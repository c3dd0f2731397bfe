"""A lone UTF-16 surrogate anywhere in the input is a 400 naming the field, never a 500."""
import json
import uuid

LOGIN = "/api/v1/auth/login"
# json.dumps writes a lone surrogate as the escape \ud800, exactly as a hostile client would send it.
LONE = "a\ud800"


def send(client, path, payload, headers=None):
    """POST a JSON text (possibly holding lone surrogates) as application/json."""
    return client.post(path, data=json.dumps(payload), content_type="application/json",
                       headers={"Idempotency-Key": uuid.uuid4().hex, **(headers or {})})


def assert_field_error(answer, field):
    """Assert a 400 JSON error naming `field`, encodable as UTF-8 and without a traceback."""
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "application/json"
    answer.get_data().decode("utf-8")  # the answer itself is valid UTF-8
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_input" and field in error["fields"], error


def test_lone_surrogate_in_login_is_400_naming_the_field(client):
    assert_field_error(send(client, LOGIN, {"username": LONE, "password": "correct-horse-1"}), "username")
    assert_field_error(send(client, LOGIN, {"username": "alice", "password": "x\udfff"}), "password")


def test_lone_surrogate_in_a_checkin_note_is_400_and_nothing_is_stored(auth, client, timeline):
    auth.login("guard1", "guard")
    headers = {"X-CSRF-Token": auth.csrf}
    answer = send(client, "/api/v1/checkins", {"checkpoint_id": "E1", "status": "issue", "note": LONE}, headers)
    assert_field_error(answer, "note")
    assert timeline("patrol.checkin") == []


def test_lone_surrogate_in_a_display_name_is_400(login_as, ctx):
    admin = login_as("boss", "admin")
    answer = send(admin.client, "/api/v1/users", {"username": "newguard", "role": "guard",
                                                  "password": "a-long-password", "display_name": LONE},
                  {"X-CSRF-Token": admin.csrf})
    assert_field_error(answer, "display_name")
    assert ctx.accounts.get_user("newguard") is None


def test_nested_and_key_surrogates_are_named_by_a_printable_path(auth, client):
    auth.login("guard1", "guard")
    headers = {"X-CSRF-Token": auth.csrf}
    nested = {"checkpoint_id": "E1", "status": "clear", "extra": {"items": ["fine", {"note": LONE}]}}
    assert_field_error(send(client, "/api/v1/checkins", nested, headers), "extra.items.1.note")
    answer = send(client, "/api/v1/checkins", {"checkpoint_id": "E1", "status": "clear", "\ud800": 1}, headers)
    assert answer.status_code == 400
    (name,) = answer.get_json()["error"]["fields"]
    name.encode("utf-8")  # the key is shown escaped, not as the broken character


def test_broken_utf8_in_query_and_path_is_never_a_5xx(reader, bearer, app):
    # %ED%A0%80 is a UTF-8-encoded surrogate: werkzeug decodes it as U+FFFD, so it is ordinary bad input.
    answer = reader("/api/v1/events?actor=%ED%A0%80&type=%ED%A0%80")
    assert answer.status_code < 500 and answer.mimetype == "application/json"
    answer = app.test_client().post("/api/v1/users/a%ED%A0%80/disable",
                                    headers={**bearer("boss", "admin"), "Idempotency-Key": "k1"})
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_lone_surrogate_in_a_live_token_is_refused_not_a_crash(app):
    socketio = app.extensions["socketio"]
    client = socketio.test_client(app, namespace="/live", auth={"token": "gw_" + LONE})
    assert not client.is_connected("/live")


def test_a_non_ascii_csrf_header_is_403_not_a_crash(auth, client):
    auth.login("guard1", "guard")
    answer = client.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"},
                         headers={"X-CSRF-Token": "caf\u00e9", "Idempotency-Key": "k-1"})
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "csrf"


def test_absurdly_long_sign_in_fields_are_400_and_leave_no_keys(client, redis_server):
    before = redis_server.client().dbsize()
    answer = client.post(LOGIN, json={"username": "u" * 100_000, "password": "correct-horse-1"})
    assert answer.status_code == 400 and "username" in answer.get_json()["error"]["fields"]
    answer = client.post(LOGIN, json={"username": "alice", "password": "p" * 1_000_000})
    assert answer.status_code == 400 and "password" in answer.get_json()["error"]["fields"]
    assert redis_server.client().dbsize() == before
