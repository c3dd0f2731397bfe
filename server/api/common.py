"""Helpers shared by the API views: JSON bodies, idempotency, answers, errors."""
import hashlib
import hmac
import json
import re

from flask import current_app, g, jsonify, request

from server.api import shaping
from server.errors import EXPECTED_OBJECT, NOT_AN_OBJECT, InvalidInput, Text
from server.store import Idempotency

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9\-_.:]{1,128}$")
# A lone UTF-16 surrogate parses (as "\\ud800" or as raw bytes, which json reads with
# surrogatepass) but cannot be encoded again: Redis and our own JSON answers would fail on it.
SURROGATE = re.compile("[\ud800-\udfff]")
API_PREFIX = "/api/v1"
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 414: "uri_too_long", 429: "throttled",
              500: "internal_error", 503: "unavailable"}


def gw():
    """Return the app's services object."""
    return current_app.extensions["gatewatch"]


_INVALID = object()


def _printable(key):
    """Return a key as it may be shown back (a lone surrogate as its \\uXXXX escape)."""
    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")


def _child(path, key):
    """Return the dotted path of a child ("note", "results.0.note")."""
    return f"{path}.{_printable(key)}" if path else _printable(key)


def broken_string_path(value):
    """Return the dotted path of the first string (or key) holding a lone surrogate, else None.

    Iterative, so the deepest nesting json.loads accepts cannot overflow the stack here.
    """
    stack = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if SURROGATE.search(item):
                return path or "body"
        elif isinstance(item, dict):
            for key in item:
                if SURROGATE.search(key):
                    return _child(path, key)
            stack.extend(reversed([(child, _child(path, key)) for key, child in item.items()]))
        elif isinstance(item, list):
            stack.extend(reversed([(child, _child(path, i)) for i, child in enumerate(item)]))
    return None


def _parsed():
    """Parse the request body once per request (None when empty, _INVALID when not JSON)."""
    # The objects behind the proxies, taken once: each proxy lookup costs ~1.4 µs, and every
    # creating request passes here twice.
    here = g._get_current_object()
    if "gw_json" not in here:
        raw = request.get_data(cache=True)
        here.gw_broken = None
        try:
            here.gw_json = json.loads(raw) if raw else None
        except (ValueError, RecursionError):  # absurdly deep nesting is bad input, not a crash
            here.gw_json = _INVALID
        if raw and (b"\\u" in raw or b"\xed" in raw):  # the only ways a surrogate gets in
            here.gw_broken = broken_string_path(here.gw_json)
    return here.gw_json


def body():
    """Return the JSON object body or raise a 400 naming the problem."""
    if not request.is_json:
        raise InvalidInput(Text("Send a JSON object with Content-Type: application/json.",
                                "请以 Content-Type: application/json 发送 JSON 对象。"),
                           fields={"body": Text("expected application/json", "应为 application/json")})
    data = _parsed()
    if not isinstance(data, dict):
        raise InvalidInput(NOT_AN_OBJECT, fields={"body": EXPECTED_OBJECT})
    broken = g.gw_broken
    if broken:
        raise InvalidInput(Text("Some text is not valid Unicode (a lone surrogate).",
                                "有些文本不是有效的 Unicode（孤立的代理字符）。"),
                           fields={broken: Text("contains an invalid character (a lone UTF-16 surrogate)",
                                                     "含有无效字符（孤立的 UTF-16 代理字符）")})
    return data


def _form_fingerprint():
    """Return a multipart body's content without its random boundary (a retry differs only there)."""
    parts = [f"{name}={value}".encode() for name, value in sorted(request.form.items(multi=True))]
    for name, sent in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        digest = hashlib.sha256(sent.stream.read()).hexdigest()
        sent.stream.seek(0)
        parts.append(f"{name}:{sent.filename}:{digest}".encode())
    return b"\n".join(parts)


def idempotency(user):
    """Return the Idempotency record for this creating request, or raise 400."""
    req = request._get_current_object()  # one proxy lookup, not five
    key = req.headers.get("Idempotency-Key")
    if key is None:
        raise InvalidInput(Text("Every creating request needs an Idempotency-Key header.",
                                "每个记录请求都需要 Idempotency-Key 请求头。"),
                           fields={"Idempotency-Key": Text("required", "必填")}, code="idempotency_key_missing")
    if not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput(Text("Idempotency-Key must be 1–128 characters of A-Z a-z 0-9 - _ . :",
                                "Idempotency-Key 应为 1–128 个 A-Z a-z 0-9 - _ . : 字符。"),
                           fields={"Idempotency-Key": Text("invalid format", "格式无效")},
                           code="idempotency_key_invalid")
    multipart = req.mimetype == "multipart/form-data"
    parsed = None if multipart else _parsed()
    if multipart:
        canonical = _form_fingerprint()
    elif parsed is _INVALID or parsed is None:
        canonical = req.get_data(cache=True) or b""
    else:
        try:
            canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()
        except RecursionError:
            canonical = req.get_data(cache=True)
    # Keyed: a body may carry personal data (a visitor's ID number), and an unkeyed hash of it
    # kept for days could be brute-forced; 128 bits of the HMAC tell requests apart.
    secret = current_app.secret_key
    digest = hmac.digest(secret.encode() if isinstance(secret, str) else secret,
                         req.method.encode() + b" " + req.path.encode() + b"\n" + canonical, "sha256")
    return Idempotency(scope=user.username, key=key, request_hash=digest.hex()[:32])


def answered(committed):
    """Turn a Committed result into an HTTP answer shaped for the caller (marking replays)."""
    body = shaping.shaped_text(committed.body_text, committed.status)
    response = current_app.response_class(body or "{}", status=committed.status, mimetype="application/json")
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
    """Answer 413 in the API's error format, stating the limit of this route (photos have their own)."""
    limit = request.max_content_length or 0  # this request's own limit, else the app's
    size = f"{limit / 2**20:g} MB ({limit:,} bytes)"
    exc = InvalidInput(Text(f"The request body is too large: at most {size}.", f"请求体过大：最多 {size}。"),
                       fields={"body": Text(f"at most {size}", f"最多 {size}")}, code="too_large")
    response = jsonify(exc.to_dict(lang()))
    response.status_code = 413
    return response


def _under_api():
    """Tell whether this request is under /api/v1."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def http_error(exc):
    """Answer an HTTP error under /api/v1 in the API's JSON shape; pages keep werkzeug's HTML."""
    if not _under_api():
        return exc
    status = exc.code or 500
    message = ("Something went wrong on the server; it has been logged." if status >= 500
               else exc.description or exc.name)
    code = HTTP_CODES.get(status) or re.sub(r"\W+", "_", exc.name.lower()).strip("_")
    response = jsonify({"error": {"code": code, "message": message, "fields": {}}})
    response.status_code = status
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value  # e.g. Allow on a 405
    return response
