"""Bad input answers 400 invalid_input naming exactly the bad field, in words people read (DESIGN §5).

Every body field of today's writing routes gets a wrong type, its absence (when required), a
value too long and an unknown value (for enums and ids); the timeline's query parameters get
theirs. Each answer names that field and no other, never a 5xx, in English by default and in
Chinese for Accept-Language: zh-CN.
"""
import re
import uuid

import pytest

pytestmark = pytest.mark.usefixtures("quick_hashes")

MISSING = object()
TARGET = "val-target"
CHECKIN = {"checkpoint_id": "E1", "status": "clear"}
NEW_USER = {"username": "newbie", "role": "guard", "password": "a-long-enough-pass"}
LOGIN = {"username": "alice", "password": "correct-horse-1"}
# (path, role of the caller (None: not signed in), a valid body)
ROUTES = {
    "checkins": ("/api/v1/checkins", "guard", CHECKIN),
    "phase": ("/api/v1/phase", "commander", {"phase": "in_session", "override_reason": "test arranged without inspections"}),
    "users": ("/api/v1/users", "admin", NEW_USER),
    "password": (f"/api/v1/users/{TARGET}/password", "admin", {"password": "a-long-enough-pass"}),
    "login": ("/api/v1/auth/login", None, LOGIN),
    "acknowledge": ("/api/v1/alerts/{alert}/acknowledge", "operator", {}),
    "inspections": ("/api/v1/inspections", "guard", {"checklist_id": "elevators", "area_id": "lobby", "results": [
        {"item_id": i, "ok": True} for i in ("certificate", "alarm_intercom", "doors", "ride")]}),
    "incidents": ("/api/v1/incidents", "guard", {"category": "medical", "location_id": "lobby",
                                                  "description": "a visitor fainted"}),
    "vehicles": ("/api/v1/vehicles", "guard", {"plate": "京A12345", "direction": "in", "entrance_id": "E2",
                                                "kind": "delegate"}),
    "broadcasts": ("/api/v1/broadcasts", "operator", {"text": "gate E2 closes at six", "to": "role",
                                                      "role": "operator"}),
    "watchlist": ("/api/v1/watchlist", "commander", {"name": "张伟", "action": "alert", "reason": "seen before"}),
}
# (route, field, what is wrong, value sent; MISSING leaves the field out, extra keys merge in)
CASES = [
    ("checkins", "checkpoint_id", "wrong type", 5),
    ("checkins", "checkpoint_id", "missing", MISSING),
    ("checkins", "checkpoint_id", "empty", ""),
    ("checkins", "checkpoint_id", "too long", "E" * 65),
    ("checkins", "checkpoint_id", "unknown", "E9"),
    ("checkins", "status", "wrong type", 5),
    ("checkins", "status", "missing", MISSING),
    ("checkins", "status", "too long", "clear" * 200),
    ("checkins", "status", "unknown", "maybe"),
    ("checkins", "note", "wrong type", ["door"]),
    ("checkins", "note", "too long", "n" * 1001),
    ("checkins", "note", "missing for an issue", {"status": "issue"}),
    ("checkins", "observed_at", "wrong type", 1764050000),
    ("checkins", "observed_at", "not a time", "yesterday"),
    ("checkins", "observed_at", "no zone", "2026-05-01T09:30:00"),
    ("checkins", "observed_at", "too long", "2026-05-01T09:30:00Z" + "0" * 1000),
    ("checkins", "observed_at", "in the future", "2999-01-01T00:00:00Z"),
    ("checkins", "observed_at", "too old", "2000-01-01T00:00:00Z"),
    ("checkins", "colour", "unknown field", "red"),
    ("vehicles", "plate", "wrong type", 5),
    ("vehicles", "plate", "missing", MISSING),
    ("vehicles", "plate", "empty", ""),
    ("vehicles", "plate", "only separators", " · - "),
    ("vehicles", "plate", "too long", "京" * 21),
    ("vehicles", "direction", "unknown", "sideways"),
    ("vehicles", "direction", "missing", MISSING),
    ("vehicles", "entrance_id", "unknown", "E9"),
    ("vehicles", "entrance_id", "too long", "E" * 65),
    ("vehicles", "kind", "unknown", "tank"),
    ("vehicles", "pass_id", "too long", "P" * 65),
    ("vehicles", "visitor_id", "wrong type", 7),
    ("vehicles", "colour", "unknown field", "red"),
    ("phase", "phase", "wrong type", 3),
    ("phase", "phase", "missing", MISSING),
    ("phase", "phase", "empty", ""),
    ("phase", "phase", "too long", "p" * 65),
    ("phase", "phase", "unknown", "lunch"),
    ("users", "username", "wrong type", 7),
    ("users", "username", "missing", MISSING),
    ("users", "username", "too long", "u" * 33),
    ("users", "username", "not a username", "Big Boss"),
    ("users", "role", "wrong type", ["guard"]),
    ("users", "role", "missing", MISSING),
    ("users", "role", "unknown", "king"),
    ("users", "password", "wrong type", 1234567890123),
    ("users", "password", "missing", MISSING),
    ("users", "password", "too short", "short"),
    ("users", "password", "too long", "p" * 257),
    ("users", "display_name", "wrong type", {"zh": "张伟"}),
    ("users", "display_name", "too long", "名" * 65),
    ("password", "password", "wrong type", True),
    ("password", "password", "missing", MISSING),
    ("password", "password", "too short", "short"),
    ("password", "password", "too long", "p" * 257),
    ("password", "username", "unknown field", "someone"),
    ("login", "username", "wrong type", 5),
    ("login", "username", "missing", MISSING),
    ("login", "username", "empty", ""),
    ("login", "username", "too long", "u" * 129),
    ("login", "password", "wrong type", ["x"]),
    ("login", "password", "missing", MISSING),
    ("login", "password", "empty", ""),
    ("login", "password", "too long", "p" * 1025),
    ("acknowledge", "note", "unknown field", "on my way"),
    ("inspections", "checklist_id", "missing", MISSING),
    ("inspections", "checklist_id", "unknown", "plumbing"),
    ("inspections", "area_id", "unknown", "moon"),
    ("inspections", "area_id", "not of this checklist", "parking"),
    ("inspections", "results", "wrong type", "all fine"),
    ("inspections", "results", "empty", []),
    ("incidents", "category", "wrong type", 3),
    ("incidents", "category", "missing", MISSING),
    ("incidents", "category", "unknown", "alien_landing"),
    ("incidents", "severity", "too high", 5),
    ("incidents", "severity", "wrong type", "high"),
    ("incidents", "location_id", "unknown", "Z9"),
    ("incidents", "location_id", "too long", "L" * 65),
    ("incidents", "description", "missing", MISSING),
    ("incidents", "description", "too long", "d" * 2001),
    ("incidents", "observed_at", "in the future", "2999-01-01T00:00:00Z"),
    ("broadcasts", "text", "wrong type", 5),
    ("broadcasts", "text", "missing", MISSING),
    ("broadcasts", "text", "empty", ""),
    ("broadcasts", "text", "too long", "t" * 501),
    ("broadcasts", "to", "missing", MISSING),
    ("broadcasts", "to", "unknown", "everyone"),
    ("broadcasts", "role", "unknown", "king"),
    ("broadcasts", "role", "missing for to: role", {"role": None}),
    ("broadcasts", "username", "missing for to: username", {"to": "username", "role": None}),
    ("broadcasts", "username", "unknown", {"to": "username", "role": None, "username": "nobody-here"}),
    ("broadcasts", "username", "too long", {"to": "username", "role": None, "username": "u" * 65}),
    ("incidents", "photo_ids", "wrong type", "p1"),
    ("incidents", "photo_ids", "too many", ["p1", "p2", "p3", "p4", "p5", "p6"]),
    ("incidents", "photo_ids", "unknown", ["no-such-photo"]),
    ("watchlist", "name", "wrong type", 5),
    ("watchlist", "name", "too long", "名" * 101),
    ("watchlist", "name", "nothing to match", MISSING),
    ("watchlist", "aliases", "wrong type", "张伟"),
    ("watchlist", "aliases", "too many", ["a"] * 11),
    ("watchlist", "id_type", "unknown", "visa"),
    ("watchlist", "id_number", "no type", "11010519491231002X"),
    ("watchlist", "id_number", "bad check character", {"id_type": "resident_id", "id_number": "110105194912310021"}),
    ("watchlist", "id_number", "missing for a type", {"id_type": "passport"}),
    ("watchlist", "plate", "too long", "京" * 21),
    ("watchlist", "action", "missing", MISSING),
    ("watchlist", "action", "unknown", "arrest"),
    ("watchlist", "reason", "missing", MISSING),
    ("watchlist", "reason", "empty", ""),
    ("watchlist", "reason", "too long", "r" * 501),
    ("watchlist", "colour", "unknown field", "red"),
]
# what pydantic (or Python) says to programmers; people get none of it
PYDANTIC = re.compile(r"Input should|Field required|String should|Value error|validation error|"
                      r"type=|pydantic|Traceback|Assertion failed|Extra inputs", re.IGNORECASE)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def headers_of(ctx, auth):
    """Return bearer-token headers of a user of a role (None: no one signed in)."""
    def make(role):
        if role is None:
            return {}
        username = f"val-{role}"
        if not ctx.accounts.get_user(username):
            auth.user(username, role)
        return {"Authorization": "Bearer " + ctx.accounts.create_token(username, "test")}
    return make


@pytest.fixture
def alert(ctx, app):
    """Raise one overdue-patrol alert; return its id."""
    import datetime as dt

    from server import events as ev
    from server.alerts import fold
    from server.patrols.service import check_overdue
    since = ev.parse_iso(ctx.store.projection("meta")["phase"]["since"])
    check_overdue(ctx, since + dt.timedelta(minutes=31))
    return fold.open_alerts(ctx.store.projection(fold.NAME))[0]["alert_id"]


def body_for(valid, field, value):
    """Return the valid body with one field made wrong."""
    body = dict(valid)
    if value is MISSING:
        body.pop(field, None)
    elif isinstance(value, dict) and field not in ("display_name",):
        body.update(value)  # a combination: e.g. an issue without a note
    else:
        body[field] = value
    return body


def assert_names_only(answer, field, chinese):
    """Check a 400 invalid_input naming exactly `field`, its message human (and Chinese)."""
    assert answer.status_code == 400, (answer.status_code, answer.get_data(as_text=True))
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_input", error
    assert set(error["fields"]) == {field}, error
    for text in (error["fields"][field], error["message"]):
        assert text and not PYDANTIC.search(text), error
        assert bool(CHINESE.search(text)) == chinese, error


@pytest.mark.parametrize("route,field,wrong,value", CASES,
                         ids=[f"{r}-{f}-{w.replace(' ', '_')}" for r, f, w, _ in CASES])
@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_bad_body_field_is_400_naming_it(app, auth, headers_of, alert, route, field, wrong, value,
                                            language):
    path, role, valid = ROUTES[route]
    if route == "password":
        auth.user(TARGET, "guard")
    headers = {**headers_of(role), "Idempotency-Key": uuid.uuid4().hex, "Accept-Language": language}
    answer = app.test_client().post(path.format(alert=alert), json=body_for(valid, field, value),
                                    headers=headers)
    assert_names_only(answer, field, chinese=language == "zh-CN")


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_the_valid_bodies_above_are_accepted(app, auth, headers_of, alert, route):
    """The cases above differ from an accepted request only in the field they name."""
    path, role, valid = ROUTES[route]
    if route == "password":
        auth.user(TARGET, "guard")
    if route == "login":
        auth.user("alice", "guard")
    answer = app.test_client().post(path.format(alert=alert), json=valid,
                                    headers={**headers_of(role), "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code in (200, 201), answer.get_json()


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("raw", ["[]", '"text"', "5", "null", "{not json", None],
                         ids=["list", "string", "number", "null", "not-json", "no-body"])
def test_a_body_that_is_not_an_object_is_400_on_body(app, auth, headers_of, alert, route, raw):
    path, role, _ = ROUTES[route]
    if route == "password":
        auth.user(TARGET, "guard")
    headers = {**headers_of(role), "Idempotency-Key": uuid.uuid4().hex, "Accept-Language": "zh-CN"}
    answer = app.test_client().post(path.format(alert=alert), data=raw, headers=headers,
                                    content_type="application/json" if raw is not None else None)
    if route == "acknowledge" and raw is None:  # acknowledging needs no body
        assert answer.status_code == 200, answer.get_json()
        return
    assert_names_only(answer, "body", chinese=True)


def test_acknowledging_needs_no_body_at_all(app, headers_of, alert):
    answer = app.test_client().post(f"/api/v1/alerts/{alert}/acknowledge",
                                    headers={**headers_of("operator"), "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 200, answer.get_json()


QUERIES = [
    ("limit", "0"), ("limit", "1001"), ("limit", "abc"), ("limit", "2.5"),
    ("after", "bad"), ("after", "12-"), ("before", "bad"), ("before", "1-2-3"),
    ("from", "not-a-time"), ("from", "2026-05-01T09:30:00"), ("to", "not-a-time"),
    ("order", "sideways"), ("location", "atlantis"), ("type", "t" * 65), ("actor", "a" * 65),
]


@pytest.mark.parametrize("name,value", QUERIES, ids=[f"{n}={v[:12]}" for n, v in QUERIES])
@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_bad_timeline_parameter_is_400_naming_it(app, headers_of, name, value, language):
    answer = app.test_client().get("/api/v1/events", query_string={name: value, "limit": "10"}
                                   if name != "limit" else {name: value},
                                   headers={**headers_of("operator"), "Accept-Language": language})
    assert_names_only(answer, name, chinese=language == "zh-CN")
