"""The OpenAPI 3 document of the API as built so far."""
from flask import Blueprint, jsonify

from server.auth import require

bp = Blueprint("api_openapi", __name__, url_prefix="/api/v1")

ERROR = {"$ref": "#/components/schemas/Error"}
EVENT = {"$ref": "#/components/schemas/Event"}


def _answer(description, schema=None):
    """Return an OpenAPI response object."""
    out = {"description": description}
    if schema:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def _errors(*codes):
    """Return the standard error responses for the given status codes."""
    text = {"400": "Bad input (see error.fields)", "401": "Not signed in", "403": "Role not allowed or CSRF",
            "404": "Not found", "409": "Conflict", "422": "Idempotency-Key reused with another body",
            "429": "Throttled", "503": "Event store unreachable (Retry-After)"}
    return {c: _answer(text[c], ERROR) for c in codes}


def _creating(summary, body, answer="201", result=None, tag="patrols"):
    """Return a POST operation that records a fact (Idempotency-Key required)."""
    return {"post": {
        "summary": summary, "tags": [tag],
        "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {answer: _answer("Recorded (or replayed: header Idempotent-Replayed: true)",
                                      result or {"type": "object", "properties": {"event": EVENT}}),
                      **_errors("400", "401", "403", "409", "422", "503")}}}


def _get(summary, schema, tag="patrols", params=None):
    """Return a GET operation."""
    op = {"summary": summary, "tags": [tag], "responses": {"200": _answer("OK", schema),
                                                           **_errors("401", "403", "503")}}
    if params:
        op["parameters"] = params
    return {"get": op}


def _query(name, description, schema=None):
    """Return a query parameter."""
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _obj(**props):
    """Return an object schema."""
    return {"type": "object", "properties": props}


S, N, B = {"type": "string"}, {"type": "number"}, {"type": "boolean"}
CHECKIN = {"type": "object", "required": ["checkpoint_id", "status"],
           "properties": {"checkpoint_id": S, "status": {"enum": ["clear", "issue"]},
                          "note": {"type": "string", "maxLength": 1000,
                                   "description": "required when status is issue"},
                          "observed_at": {"type": "string", "format": "date-time"}}}
PATROL = _obj(checkpoint_id=S, last_checkin_at=S, last_guard=S, last_status=S, interval_min=N,
              due_at=S, overdue=B)
USERNAME = {"parameters": [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}]}
TIMELINE = [_query("after", "stream id: events after it, oldest first"),
            _query("before", "stream id: events before it, newest first"),
            _query("from", "ISO time, inclusive"), _query("to", "ISO time, inclusive"),
            _query("type", "event type, e.g. patrol.checkin"),
            _query("location", "checkpoint, entrance, zone or area id"),
            _query("actor", "username"), _query("order", "asc or desc", {"enum": ["asc", "desc"]}),
            _query("limit", "1..1000 (default 100)", {"type": "integer", "minimum": 1, "maximum": 1000})]


def document():
    """Build the OpenAPI document."""
    users_body = _obj(username=S, role={"enum": ["guard", "operator", "commander", "admin", "display"]},
                      display_name=S, password={"type": "string", "minLength": 10})
    return {
        "openapi": "3.0.3",
        "info": {"title": "Gatewatch API", "version": "1",
                 "description": "Every POST except /auth/* records a fact and needs Idempotency-Key."},
        "paths": {
            "/api/v1/auth/login": {"post": {"summary": "Sign in", "tags": ["auth"],
                "requestBody": {"content": {"application/json": {"schema": _obj(username=S, password=S)}}},
                "responses": {"200": _answer("Signed in; session cookie set",
                                             _obj(user=_obj(username=S, role=S, display_name=S), csrf_token=S)),
                              **_errors("400", "401", "429")}}},
            "/api/v1/auth/logout": {"post": {"summary": "Sign out", "tags": ["auth"],
                                             "responses": {"204": _answer("Signed out")}}},
            "/api/v1/auth/me": _get("Current user and CSRF token", _obj(user=_obj(), csrf_token=S), "auth"),
            "/api/v1/venue": _get("Venue configuration", _obj(id=S, name=_obj(), timezone=S)),
            "/api/v1/checkins": _creating("Record a patrol check-in", CHECKIN),
            "/api/v1/patrols": _get("Patrol status per checkpoint", _obj(patrols={"type": "array", "items": PATROL})),
            "/api/v1/alerts": _get("Open alerts, newest first", _obj(alerts={"type": "array", "items": _obj()})),
            "/api/v1/alerts/{alert_id}/acknowledge": {**_creating("Acknowledge an alert", _obj(), "200"),
                "parameters": [{"name": "alert_id", "in": "path", "required": True, "schema": S}]},
            "/api/v1/phase": _creating("Change the venue phase (commander)", _obj(phase=S), "201"),
            "/api/v1/state": _get("Snapshot with its cursor", _obj(cursor=S, phase=S, patrols={"type": "array", "items": PATROL})),
            "/api/v1/events": _get("Timeline page", _obj(events={"type": "array", "items": EVENT}, next=S),
                                   params=TIMELINE),
            "/api/v1/users": {**_get("Users (admin)", _obj(users={"type": "array", "items": _obj()}), "admin"),
                              **_creating("Create a user (admin)", users_body, tag="admin")},
            "/api/v1/users/{username}/disable": {**_creating("Disable a user", _obj(), "200", tag="admin"), **USERNAME},
            "/api/v1/users/{username}/enable": {**_creating("Enable a user", _obj(), "200", tag="admin"), **USERNAME},
            "/api/v1/users/{username}/password": {**_creating("Reset a password", _obj(password=S), "200", tag="admin"), **USERNAME},
            "/api/v1/openapi.json": _get("This document", _obj(), "meta"),
        },
        "components": {
            "parameters": {"IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": True,
                                              "schema": {"type": "string", "pattern": "^[A-Za-z0-9\\-_.:]{1,128}$"}}},
            "schemas": {
                "Error": _obj(error=_obj(code=S, message=S, fields={"type": "object", "additionalProperties": S})),
                "Event": _obj(id=S, type=S, ts=S, observed_at=S, actor=_obj(username=S, role=S), venue=S, data=_obj()),
            },
            "securitySchemes": {"cookie": {"type": "apiKey", "in": "cookie", "name": "gatewatch_session"},
                                "bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"cookie": []}, {"bearer": []}],
    }


@bp.get("/openapi.json")
@require("venue.read")
def openapi(user):
    """Return the OpenAPI document."""
    return jsonify(document())
