"""Liveness, readiness, Prometheus metrics and the OpenAPI document."""
import re

import pytest

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def test_healthz_and_readyz(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json()["status"] == "ok"
    answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.get_json()["status"] == "ready"


def test_readyz_is_503_while_redis_is_away_but_healthz_answers(app_without_redis):
    client = app_without_redis.test_client()
    assert client.get("/healthz").status_code == 200
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["status"] != "ready"
    assert client.get("/metrics").status_code == 200  # metrics still answer


def test_api_answers_503_with_retry_after_while_redis_is_away(app_without_redis):
    client = app_without_redis.test_client()
    answer = client.get("/api/v1/patrols", headers={"Authorization": "Bearer gw_some-token"})
    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) > 0
    assert answer.get_json()["error"]["code"] == "unavailable"
    answer = client.post("/api/v1/auth/login", json={"username": "alice", "password": "correct-horse-1"})
    assert answer.status_code == 503


def sample(text, name, **labels):
    """Return the value of one Prometheus sample, or None."""
    for line in text.splitlines():
        match = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if match:
            found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(match.group(2))
    return None


def test_metrics_count_requests_and_commits(client, auth):
    auth.login("guard1", "guard")
    assert auth.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"}).status_code == 201
    assert auth.post("/api/v1/checkins", json={"checkpoint_id": "nope", "status": "clear"}).status_code == 400
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    text = answer.get_data(as_text=True)
    assert sample(text, "gatewatch_http_requests_total", method="POST",
                  endpoint="patrols.create_checkin", status="201") == 1.0
    assert sample(text, "gatewatch_http_requests_total", method="POST",
                  endpoint="patrols.create_checkin", status="400") == 1.0
    assert sample(text, "gatewatch_commits_total", type="patrol.checkin") == 1.0
    stream = re.search(r"^gatewatch_stream_events (\S+)$", text, re.M)
    assert stream and float(stream.group(1)) >= 2  # bootstrap phase + user + check-in at least


def test_a_replayed_checkin_is_not_counted_as_a_commit(client, auth):
    auth.login("guard1", "guard")
    for _ in range(3):
        assert auth.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"}, key="same").status_code == 201
    text = client.get("/metrics").get_data(as_text=True)
    assert sample(text, "gatewatch_commits_total", type="patrol.checkin") == 1.0
    assert sample(text, "gatewatch_http_requests_total", endpoint="patrols.create_checkin", status="201") == 3.0


def normalise(rule):
    """Turn a Flask rule (`/a/<x>`, `/a/<path:x>`) into an OpenAPI path (`/a/{x}`)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_openapi_document_lists_every_api_route(app, client):
    """The document is generated from the route table: no route missing, none invented."""
    answer = client.get("/api/v1/openapi.json")  # readable without signing in
    assert answer.status_code == 200
    doc = answer.get_json()
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    served = {(normalise(rule.rule), method.lower()) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") or rule.rule in ("/healthz", "/readyz", "/metrics")
              for method in rule.methods & METHODS}
    documented = {(path, method) for path, item in doc["paths"].items() for method in item if method.upper() in METHODS}
    assert served - documented == set(), "routes missing from the OpenAPI document"
    assert documented - served == set(), "documented routes that do not exist"


def test_openapi_operations_are_complete(client, auth):
    auth.login("reader1", "display")
    doc = client.get("/api/v1/openapi.json").get_json()
    # Reads that are POSTs only so an ID number never sits in a URL (URLs get logged): nothing
    # is created, so no Idempotency-Key.
    READS_BY_POST = {"/api/v1/visitors/expected/lookup"}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method.upper() not in METHODS:
                continue
            assert op.get("responses"), (path, method)
            params = {p.get("name") for p in op.get("parameters", []) + item.get("parameters", [])
                      if "name" in p}
            for name in re.findall(r"{(\w+)}", path):
                assert name in params, (path, method, f"path parameter {name} not declared")
            if method == "post" and not path.startswith("/api/v1/auth/") and path not in READS_BY_POST:
                refs = [p.get("$ref", "") for p in op.get("parameters", [])]
                assert any(r.endswith("/IdempotencyKey") for r in refs), (path, "Idempotency-Key")


def test_normalise():
    assert normalise("/api/v1/users/<username>/disable") == "/api/v1/users/{username}/disable"
    assert normalise("/api/v1/photos/<path:photo_id>") == "/api/v1/photos/{photo_id}"
