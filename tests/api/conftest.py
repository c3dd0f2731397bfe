"""API test helpers: several signed-in users at once, bearer tokens, counting stored events."""
import pytest

from support import VENUE

PASSWORD = "correct-horse-1"


@pytest.fixture
def quick_hashes(monkeypatch):
    """Hash new passwords cheaply (for tests that sign many users in and do not test hashing)."""
    from werkzeug.security import generate_password_hash

    from server.auth import users
    monkeypatch.setattr(users, "hash_password", lambda pw: generate_password_hash(pw, "pbkdf2:sha256:1000"))


@pytest.fixture
def login_as(app, ctx, auth):
    """Return a function that signs a user in on a test client of its own."""
    def make(username, role, password=PASSWORD):
        other = type(auth)(ctx, app.test_client())
        other.login(username, role, password)
        return other
    return make


@pytest.fixture
def bearer(ctx, auth):
    """Return a function that creates a user if needed and returns bearer-token headers."""
    def make(username, role):
        if not ctx.accounts.get_user(username):
            auth.user(username, role)
        return {"Authorization": "Bearer " + ctx.accounts.create_token(username, "test")}
    return make


@pytest.fixture
def reader(app, bearer):
    """Return a function that GETs a path as an admin with a bearer token."""
    headers = bearer("reader-admin", "admin")

    def get(path, **kwargs):
        return app.test_client().get(path, headers=headers, **kwargs)
    return get


@pytest.fixture
def timeline(reader):
    """Return a function listing every event of a type (oldest first) through GET /api/v1/events."""
    def events(type_=None):
        query = "/api/v1/events?order=asc&limit=1000" + (f"&type={type_}" if type_ else "")
        answer = reader(query)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["events"]
    return events


@pytest.fixture
def app_without_redis(tmp_path):
    """An app whose Redis is not there (a socket nobody listens on)."""
    from server import create_app
    from server.app import build_context
    from server.config import Settings
    settings = Settings(redis_url=f"unix://{tmp_path}/absent.sock", data_dir=tmp_path, venue_path=VENUE,
                        secret_key="test-secret", async_mode="threading", testing=True)
    return create_app({"TESTING": True}, ctx=build_context(settings))
