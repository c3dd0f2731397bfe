"""Every error under /api/v1 has the JSON error shape; pages keep HTML errors."""
import requests

LOGIN = "/api/v1/auth/login"


def assert_json_error(answer, status, code):
    """Assert the API's JSON error shape with this status and code."""
    assert answer.status_code == status
    assert answer.mimetype == "application/json", answer.get_data(as_text=True)[:200]
    error = answer.get_json()["error"]
    assert error["code"] == code and error["message"] and error["fields"] == {}


def test_unknown_route_and_wrong_method_under_the_api_answer_json(client):
    assert_json_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_json_error(client.get("/api/v1"), 404, "not_found")
    answer = client.delete("/api/v1/venue")
    assert_json_error(answer, 405, "method_not_allowed")
    assert "GET" in answer.headers["Allow"]
    assert_json_error(client.put(LOGIN, json={}), 405, "method_not_allowed")


def test_pages_keep_html_errors(client):
    answer = client.get("/no-such-page")
    assert answer.status_code == 404 and answer.mimetype == "text/html"


def test_an_unexpected_error_under_the_api_is_json_without_a_traceback(ctx):
    from server import create_app
    app = create_app({"TESTING": False, "PROPAGATE_EXCEPTIONS": False}, ctx=ctx)

    def boom():
        raise RuntimeError("secret internals")
    app.add_url_rule("/api/v1/boom", "boom", boom)
    answer = app.test_client().get("/api/v1/boom")
    assert_json_error(answer, 500, "internal_error")
    assert "secret internals" not in answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store"


def test_long_urls_on_the_real_server(live_server):
    """A real server process: eventlet's WSGI server reads the request line before Flask."""
    served = live_server
    # Request lines Flask sees (under eventlet's 8 KiB limit) answer JSON ...
    answer = requests.get(served.url + "/api/v1/events", params={"type": "x" * 7000}, timeout=10)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized"
    assert answer.headers["Content-Type"].startswith("application/json")
    answer = requests.get(served.url + "/api/v1/" + "x" * 7000, timeout=10)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    # ... longer ones eventlet refuses itself with a bare 414: no body, no HTML, no traceback.
    answer = requests.get(served.url + "/api/v1/events", params={"type": "x" * 9000}, timeout=10)
    assert answer.status_code == 414 and answer.content == b""
