"""/metrics answers loopback and the holder of GATEWATCH_METRICS_TOKEN only."""
import pytest

TOKEN = "scrape-7f3c9e1d2b4a"


def make_app(redis_server, tmp_path, **settings):
    """Return the app with these settings."""
    from support import settings_for

    from server import create_app
    from server.app import build_context
    return create_app({"TESTING": True}, ctx=build_context(settings_for(redis_server.url, tmp_path, **settings)))


@pytest.fixture
def app(redis_server, tmp_path):
    """The app with a metrics token configured."""
    return make_app(redis_server, tmp_path, metrics_token=TOKEN)


def scrape(app, address, token=None, **headers):
    """GET /metrics from an address, with a bearer token if given."""
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return app.test_client().get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})


def test_another_address_without_the_token_is_refused(app):
    for token in (None, "wrong-token", TOKEN + "x"):
        answer = scrape(app, "10.0.0.5", token)
        assert answer.status_code == 403
        assert answer.get_json()["error"]["code"] == "forbidden"
        assert "gatewatch_" not in answer.get_data(as_text=True)


def test_the_token_opens_it_from_anywhere_and_loopback_needs_none(app):
    assert "gatewatch_http_requests_total" in scrape(app, "10.0.0.5", TOKEN).get_data(as_text=True)
    for address in ("127.0.0.1", "127.0.0.9", "::1"):
        assert scrape(app, address).status_code == 200, address


def test_without_a_token_configured_only_loopback_reads_it(redis_server, tmp_path):
    app = make_app(redis_server, tmp_path)
    assert scrape(app, "10.0.0.5").status_code == 403
    assert scrape(app, "10.0.0.5", "").status_code == 403
    assert scrape(app, "127.0.0.1").status_code == 200


def test_behind_the_proxy_the_forwarded_address_counts(redis_server, tmp_path):
    app = make_app(redis_server, tmp_path, proxy_hops=1)
    assert scrape(app, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    assert scrape(app, "127.0.0.1", **{"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def test_the_token_is_a_setting():
    import support

    from server.config import load_settings
    env = {"GATEWATCH_VENUE": str(support.VENUE)}
    assert load_settings({**env, "GATEWATCH_METRICS_TOKEN": TOKEN}).metrics_token == TOKEN
    assert load_settings(env).metrics_token == ""
