"""Helpers shared by the API views: JSON bodies, idempotency, answers, errors."""
import hashlib
import json
import re

from flask import current_app, g, jsonify, request

from server.errors import GatewatchError, InvalidInput
from server.store import Idempotency

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9\-_.:]{1,128}$")


def gw():
    """Return the app's services object."""
    return current_app.extensions["gatewatch"]


_INVALID = object()


def _parsed():
    """Parse the request body once per request (None when empty, _INVALID when not JSON)."""
    if "gw_json" not in g:
        raw = request.get_data(cache=True)
        try:
            g.gw_json = json.loads(raw) if raw else None
        except (ValueError, RecursionError):  # absurdly deep nesting is bad input, not a crash
            g.gw_json = _INVALID
    return g.gw_json


def body():
    """Return the JSON object body or raise a 400 naming the problem."""
    if not request.is_json:
        raise InvalidInput("Send a JSON object with Content-Type: application/json.",
                           fields={"body": "expected application/json"})
    data = _parsed()
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
    parsed = _parsed()
    if parsed is _INVALID or parsed is None:
        canonical = request.get_data(cache=True) or b""
    else:
        try:
            canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()
        except RecursionError:
            canonical = request.get_data(cache=True)
    digest = hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + canonical)
    # 128 bits of the digest tell requests apart; the record is kept for days per request.
    return Idempotency(scope=user.username, key=key, request_hash=digest.hexdigest()[:32])


def answered(committed):
    """Turn a Committed result into an HTTP answer (marking replays)."""
    response = current_app.response_class(committed.body_text or "{}", status=committed.status,
                                          mimetype="application/json")
    if committed.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def lang():
    """Return 'zh' when the caller prefers Chinese, else 'en' (for messages people read)."""
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="en")
    return "zh" if best.startswith("zh") else "en"


def error(exc, status=None):
    """Answer a domain error as DESIGN §5 JSON, field messages in the caller's language."""
    response = jsonify(exc.to_dict(lang()))
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
