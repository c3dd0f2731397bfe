"""Helpers shared by the API views: JSON bodies, idempotency, answers, errors."""
import hashlib
import json
import re

from flask import current_app, jsonify, request

from server.errors import GatewatchError, InvalidInput
from server.store import Idempotency

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9\-_.:]{1,128}$")


def gw():
    """Return the app's services object."""
    return current_app.extensions["gatewatch"]


def body():
    """Return the JSON object body or raise a 400 naming the problem."""
    if not request.is_json:
        raise InvalidInput("Send a JSON object with Content-Type: application/json.",
                           fields={"body": "expected application/json"})
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        data = None  # absurdly deep nesting: bad input, not a crash
    if not isinstance(data, dict):
        raise InvalidInput("The body is not a JSON object.", fields={"body": "expected a JSON object"})
    return data


def idempotency(user):
    """Return the Idempotency record for this creating request, or raise 400."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        raise InvalidInput("Every creating request needs an Idempotency-Key header.",
                           fields={"Idempotency-Key": "required"}, code="idempotency_key_missing")
    if not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput("Idempotency-Key must be 1–128 characters of A-Z a-z 0-9 - _ . :",
                           fields={"Idempotency-Key": "invalid format"}, code="idempotency_key_invalid")
    raw = request.get_data() or b""
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        canonical = raw
    digest = hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + canonical)
    return Idempotency(scope=user.username, key=key, request_hash=digest.hexdigest())


def answered(committed):
    """Turn a Committed result into an HTTP answer (marking replays)."""
    response = jsonify(committed.body or {})
    response.status_code = committed.status
    if committed.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def error(exc, status=None):
    """Answer a domain error as DESIGN §5 JSON."""
    response = jsonify(exc.to_dict())
    response.status_code = status or exc.status
    return response


def reused(_exc):
    """Answer 422 for an Idempotency-Key reused with a different body."""
    return error(InvalidInput("This Idempotency-Key was already used with a different request.",
                              fields={"Idempotency-Key": "reused with a different body"},
                              code="idempotency_key_reused"), status=422)


def unavailable(_exc):
    """Answer 503 with Retry-After while Redis is away (nothing was acknowledged)."""
    gw().metrics.redis_errors.inc()
    response = jsonify({"error": {"code": "unavailable", "fields": {},
                                  "message": "The event store is unreachable; retry shortly."}})
    response.status_code = 503
    response.headers["Retry-After"] = "2"
    return response


def too_large(_exc):
    """Answer 413 in the API's error format."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    response = jsonify({"error": {"code": "too_large", "fields": {"body": f"at most {limit} bytes"},
                                  "message": "The request body is too large."}})
    response.status_code = 413
    return response
