"""Every route × every role: allowed or 403, exactly as DESIGN §4 says; signed out → 401."""
import datetime as dt
import logging
import uuid

import pytest

from server import events as ev
from server.patrols.service import check_overdue
from server.visitors.service import register_visitor
from server.watchlist import service as watchlist

ROLES = ("guard", "operator", "commander", "admin", "display")
EVERYONE = set(ROLES)
STAFF = {"operator", "commander", "admin"}
pytestmark = pytest.mark.usefixtures("quick_hashes")  # ~120 sign-ins: roles are tested here, not hashing

# (method, path, body, roles allowed per DESIGN §4, status when allowed)
ROUTES = [
    ("GET", "/api/v1/venue", None, EVERYONE, 200),
    ("GET", "/api/v1/patrols", None, EVERYONE, 200),
    ("GET", "/api/v1/state", None, STAFF | {"display"}, 200),  # display: the snapshot
    ("GET", "/api/v1/events", None, STAFF, 200),  # the timeline is not for guards or screens
    ("GET", "/api/v1/alerts", None, STAFF | {"display"}, 200),
    ("GET", "/api/v1/users", None, {"admin"}, 200),
    ("GET", "/api/v1/incidents", None, EVERYONE - {"display"}, 200),  # screens get the snapshot's
    ("POST", "/api/v1/incidents", {"category": "other", "location_id": "E1", "description": "x"},
     EVERYONE - {"display"}, 201),
    ("POST", "/api/v1/checkins", {"checkpoint_id": "C1", "status": "clear"}, EVERYONE - {"display"}, 201),
    ("POST", "/api/v1/alerts/{alert}/acknowledge", {}, STAFF, 200),
    ("POST", "/api/v1/phase", {"phase": "in_session"}, {"commander", "admin"}, 201),
    ("POST", "/api/v1/users", {"username": "newbie", "role": "guard", "password": "long-enough-pw"}, {"admin"}, 201),
    ("POST", "/api/v1/users/target/disable", {}, {"admin"}, 200),
    ("POST", "/api/v1/users/target/enable", {}, {"admin"}, 200),
    ("POST", "/api/v1/users/target/password", {"password": "another-long-pw"}, {"admin"}, 200),
    ("GET", "/api/v1/watchlist", None, {"commander", "admin"}, 200),
    ("POST", "/api/v1/watchlist", {"name": "张伟", "action": "alert", "reason": "x"}, {"commander", "admin"}, 201),
    ("DELETE", "/api/v1/watchlist/{entry}", {}, {"commander", "admin"}, 200),
    ("POST", "/api/v1/visitors/{hit}/watchlist-hit/confirm", {}, STAFF, 200),
    ("POST", "/api/v1/visitors/{hit}/watchlist-hit/dismiss", {}, STAFF, 200),
]


def route_id(route):
    """Name a route for the test id."""
    return f"{route[0]} {route[1]}"


@pytest.fixture
def world(ctx, auth):
    """Arrange an open alert and a target user; return the path substitutions."""
    auth.user("target", "guard")
    since = ev.parse_iso(ctx.store.projection("meta")["phase"]["since"])
    check_overdue(ctx, since + dt.timedelta(minutes=31))
    open_ids = [k for k, v in ctx.store.projection("alerts").items() if v["status"] == "open"]
    assert open_ids
    boss = {"username": "boss", "role": "commander"}
    entry = watchlist.add_entry(ctx, actor=boss, name="张伟", action="alert", reason="x").body["entry"]
    hit = register_visitor(ctx, actor={"username": "gate", "role": "guard"}, name="ZHANG WEI", id_type="passport",
                           id_number="E12345678", purpose="x", entrance_id="E1").body["visitor"]
    assert hit["watchlist_hit"]
    return {"alert": open_ids[0], "entry": entry["entry_id"], "hit": hit["visitor_id"]}


def call(client, method, path, body, headers):
    """Send one request."""
    if method == "GET":
        return client.get(path, headers=headers)
    if method == "DELETE":  # removing is naturally idempotent: no Idempotency-Key needed
        return client.delete(path, json=body, headers=headers)
    return client.post(path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex, **headers})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_role_matrix_with_a_session(route, role, world, auth, client):
    method, path, body, allowed, status = route
    auth.login(f"{role}-user", role)
    answer = call(client, method, path.format(**world), body, {"X-CSRF-Token": auth.csrf})
    if role in allowed:
        assert answer.status_code == status, (role, answer.get_json())
    else:
        assert answer.status_code == 403, (role, answer.status_code)
        error = answer.get_json()["error"]
        assert error["code"] == "forbidden" and role in error["message"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", [r for r in ROUTES if r[0] != "GET"], ids=route_id)
def test_role_matrix_with_a_bearer_token(route, role, world, bearer, client):
    method, path, body, allowed, status = route
    answer = call(client, method, path.format(**world), body, bearer(f"{role}-device", role))
    assert answer.status_code == (status if role in allowed else 403), (role, answer.get_json())


def test_the_api_document_is_readable_signed_out(client):
    """The API's shape is not a secret; every operation in it still needs its role."""
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_signed_out_is_401(route, world, client):
    method, path, body, _, _ = route
    answer = call(client, method, path.format(**world), body, {})
    assert answer.status_code == 401, answer.status_code
    assert answer.get_json()["error"]["code"] == "unauthorized"


def test_a_refused_request_changes_nothing(auth, client, timeline, world):
    auth.login("gary", "guard")
    before = timeline()
    for path, body in (("/api/v1/phase", {"phase": "closed"}),
                       (f"/api/v1/alerts/{world['alert']}/acknowledge", {}),
                       ("/api/v1/users", {"username": "sneaky", "role": "admin", "password": "long-enough-pw"})):
        assert auth.post(path, json=body).status_code == 403
    assert timeline() == before
    assert client.get("/api/v1/patrols").status_code == 200


def test_a_refusal_is_logged(auth, caplog):
    auth.login("gary", "guard")
    with caplog.at_level(logging.WARNING, logger="gatewatch.auth"):
        assert auth.post("/api/v1/phase", json={"phase": "closed"}).status_code == 403
    assert any("refused" in r.getMessage() and "gary" in r.getMessage() for r in caplog.records)
