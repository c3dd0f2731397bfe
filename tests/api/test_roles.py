"""Every route × every role: allowed or 403, exactly as DESIGN §4 says; signed out → 401."""
import datetime as dt
import io
import logging
import uuid
from types import SimpleNamespace

import pytest

from server import events as ev
from server.broadcasts import service as broadcasts
from server.incidents.service import report_incident
from server.patrols.service import check_overdue
from server.photos.service import upload
from server.visitors.service import register_visitor
from server.watchlist import service as watchlist

ROLES = ("guard", "operator", "commander", "admin", "display")
EVERYONE = set(ROLES)
STAFF = {"operator", "commander", "admin"}
PHOTO = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c"
                      "63e0e4e40400003a001ced089b8e0000000049454e44ae426082")  # a 1×1 PNG
pytestmark = pytest.mark.usefixtures("quick_hashes")  # ~120 sign-ins: roles are tested here, not hashing

# (method, path, body, roles allowed per DESIGN §4, status when allowed[, {role: status} where it differs])
ROUTES = [
    ("GET", "/api/v1/venue", None, EVERYONE, 200),
    ("GET", "/api/v1/patrols", None, EVERYONE, 200),
    ("GET", "/api/v1/state", None, STAFF | {"display"}, 200),  # display: the snapshot
    ("GET", "/api/v1/state?at=2026-01-01T00:00:00Z", None, {"commander", "admin"}, 200),  # replay
    ("GET", "/api/v1/events", None, STAFF, 200),  # the timeline is not for guards or screens
    ("GET", "/api/v1/alerts", None, STAFF | {"display"}, 200),
    ("GET", "/api/v1/users", None, {"admin"}, 200),
    ("GET", "/api/v1/incidents", None, EVERYONE - {"display"}, 200),  # screens get the snapshot's
    ("POST", "/api/v1/incidents", {"category": "other", "location_id": "E1", "description": "x"},
     EVERYONE - {"display"}, 201),
    ("POST", "/api/v1/photos", PHOTO, EVERYONE - {"display"}, 201),
    # Another guard's photo and incident: a guard may use the route, but reads and adds to their own only.
    ("GET", "/api/v1/photos/{photo}", None, EVERYONE - {"display"}, 200, {"guard": 404}),  # never screens
    ("POST", "/api/v1/incidents/{incident}/photos", PHOTO, EVERYONE - {"display"}, 201, {"guard": 404}),
    ("POST", "/api/v1/checkins", {"checkpoint_id": "C1", "status": "clear"}, EVERYONE - {"display"}, 201),
    ("POST", "/api/v1/alerts/{alert}/acknowledge", {}, STAFF, 200),
    ("POST", "/api/v1/phase", {"phase": "in_session", "override_reason": "test arranged without inspections"}, {"commander", "admin"}, 201),
    ("GET", "/api/v1/readiness", None, EVERYONE, 200),
    ("GET", "/api/v1/inspections", None, EVERYONE - {"display"}, 200),
    ("GET", "/api/v1/hazards", None, EVERYONE - {"display"}, 200),
    ("POST", "/api/v1/inspections", {"checklist_id": "elevators", "area_id": "lobby", "results": [
        {"item_id": i, "ok": True} for i in ("certificate", "alarm_intercom", "doors", "ride")]},
     EVERYONE - {"display"}, 201),
    ("POST", "/api/v1/hazards/{hazard}/assign", {"assignee": "target"}, STAFF, 200),
    ("POST", "/api/v1/hazards/{hazard}/rectify", {"note": "fixed"}, STAFF, 200),
    ("POST", "/api/v1/users", {"username": "newbie", "role": "guard", "password": "long-enough-pw"}, {"admin"}, 201),
    ("POST", "/api/v1/users/target/disable", {}, {"admin"}, 200),
    ("POST", "/api/v1/users/target/enable", {}, {"admin"}, 200),
    ("POST", "/api/v1/users/target/password", {"password": "another-long-pw"}, {"admin"}, 200),
    ("GET", "/api/v1/vehicles", None, EVERYONE, 200),
    ("POST", "/api/v1/vehicles", {"plate": "京A12345", "direction": "in", "entrance_id": "E2", "kind": "staff"},
     EVERYONE - {"display"}, 201),
    ("GET", "/api/v1/visitors/expected", None, STAFF, 200),
    ("POST", "/api/v1/visitors/expected/lookup", {"id_type": "passport", "id_number": "E12345678"},
     EVERYONE - {"display"}, 404),  # nothing imported: the lookup is allowed and finds nobody
    ("POST", "/api/v1/visitors/expected/import", {}, STAFF, 400),  # allowed; a JSON body is not a CSV
    ("POST", "/api/v1/broadcasts", {"text": "gate E2 closes at six", "to": "all"}, STAFF, 201),
    ("GET", "/api/v1/broadcasts", None, EVERYONE - {"display"}, 200),
    ("GET", "/api/v1/me/tasks", None, EVERYONE - {"display"}, 200),
    # Sent to every guard: only guards may acknowledge it (staff are refused as not addressed).
    ("POST", "/api/v1/broadcasts/{broadcast}/acknowledge", {}, {"guard"}, 200),
    ("GET", "/api/v1/watchlist", None, {"commander", "admin"}, 200),
    ("POST", "/api/v1/watchlist", {"name": "张伟", "action": "alert", "reason": "x"}, {"commander", "admin"}, 201),
    ("DELETE", "/api/v1/watchlist/{entry}", {}, {"commander", "admin"}, 200),
    ("POST", "/api/v1/visitors/{hit}/watchlist-hit/confirm", {}, STAFF, 200),
    ("POST", "/api/v1/visitors/{hit}/watchlist-hit/dismiss", {}, STAFF, 200),
    ("POST", "/api/v1/visitors/{hit}/left-unrecorded", {"note": "host saw them leave"}, STAFF, 200),
]


def expected(route, role):
    """Return the status a role allowed on a route gets (a guard: 404 for a record not theirs)."""
    return (route[5] if len(route) > 5 else {}).get(role, route[4])


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
    for name in ("guard-user", "guard-device"):  # the guards of both matrices, addressed before they sign in
        auth.user(name, "guard")
    sent = broadcasts.send_broadcast(ctx, actor={"username": "op", "role": "operator"}, text="hi", to="all")
    from server.inspections import service as inspections
    results = [SimpleNamespace(item_id=i, ok=i != "doors", note="door sticks", photo_ids=[])
               for i in ("certificate", "alarm_intercom", "doors", "ride")]
    hazard = inspections.record_inspection(ctx, actor={"username": "target", "role": "guard"}, checklist_id="elevators",
                                           area_id="lobby", results=results).body["hazards"][0]["hazard_id"]
    actor = {"username": "target", "role": "guard"}
    photo = upload(ctx, actor=actor, data=PHOTO).body["photo"]["photo_id"]
    incident = report_incident(ctx, actor=actor, category="other", location_id="E1",
                               description="x").body["incident"]["incident_id"]
    boss = {"username": "boss", "role": "commander"}
    entry = watchlist.add_entry(ctx, actor=boss, name="张伟", action="alert", reason="x").body["entry"]
    hit = register_visitor(ctx, actor={"username": "gate", "role": "guard"}, name="ZHANG WEI", id_type="passport",
                           id_number="E12345678", purpose="x", entrance_id="E1").body["visitor"]
    assert hit["watchlist_hit"]
    return {"alert": open_ids[0], "entry": entry["entry_id"], "hit": hit["visitor_id"], "photo": photo,
            "incident": incident, "hazard": hazard, "broadcast": sent.body["broadcast"]["broadcast_id"]}


def call(client, method, path, body, headers):
    """Send one request."""
    if method == "GET":
        return client.get(path, headers=headers)
    if isinstance(body, bytes):  # a photo upload
        return client.post(path, data={"file": (io.BytesIO(body), "p.png")}, content_type="multipart/form-data",
                           headers={"Idempotency-Key": uuid.uuid4().hex, **headers})
    if method == "DELETE":  # removing is naturally idempotent: no Idempotency-Key needed
        return client.delete(path, json=body, headers=headers)
    return client.post(path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex, **headers})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_role_matrix_with_a_session(route, role, world, auth, client):
    method, path, body, allowed = route[:4]
    auth.login(f"{role}-user", role)
    answer = call(client, method, path.format(**world), body, {"X-CSRF-Token": auth.csrf})
    if role in allowed:
        assert answer.status_code == expected(route, role), (role, answer.get_json())
    else:
        assert answer.status_code == 403, (role, answer.status_code)
        error = answer.get_json()["error"]
        assert error["code"] == "forbidden" and role in error["message"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", [r for r in ROUTES if r[0] != "GET"], ids=route_id)
def test_role_matrix_with_a_bearer_token(route, role, world, bearer, client):
    method, path, body, allowed = route[:4]
    answer = call(client, method, path.format(**world), body, bearer(f"{role}-device", role))
    assert answer.status_code == (expected(route, role) if role in allowed else 403), (role, answer.get_json())


def test_the_api_document_is_readable_signed_out(client):
    """The API's shape is not a secret; every operation in it still needs its role."""
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_signed_out_is_401(route, world, client):
    method, path, body = route[:3]
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
