"""Shared fixtures: a real redis-server, the app on it, a CLI runner, a real server process."""
import sys
import pathlib
import uuid

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from support import DEFAULT_VENUE, VENUE, LiveServer, RedisServer, settings_for  # noqa: E402


@pytest.fixture(scope="session")
def redis_server():
    """A redis-server shared by the in-process tests (flushed before each)."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def ctx(redis_server, tmp_path):
    """Services on a freshly flushed Redis."""
    from server.app import build_context
    redis_server.client().flushall()
    return build_context(settings_for(redis_server.url, tmp_path))


@pytest.fixture
def app(ctx):
    """The Flask app on the test Redis."""
    from server import create_app
    from server import phase
    app = create_app({"TESTING": True}, ctx=ctx)
    phase.ensure_phase(ctx)
    return app


@pytest.fixture
def client(app):
    """A Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(redis_server, tmp_path, monkeypatch):
    """Run `gatewatch` subcommands in-process against the test Redis; returns (status, out, err)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from server.cli import main
    monkeypatch.setenv("GATEWATCH_REDIS_URL", redis_server.url)
    monkeypatch.setenv("GATEWATCH_DATA_DIR", str(tmp_path))
    # The CLI reads the default venue file itself (its programme changes no projection or command here).
    monkeypatch.setenv("GATEWATCH_VENUE", str(DEFAULT_VENUE))
    monkeypatch.setenv("GATEWATCH_SECRET_KEY", "test-secret")

    def run(*argv):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = main(list(argv))
        return status, out.getvalue(), err.getvalue()
    return run


class Auth:
    """Create users and sign in with the test client."""

    def __init__(self, ctx, client):
        self.ctx, self.client = ctx, client
        self.csrf = None

    def user(self, username, role, password="correct-horse-1"):
        """Create a user directly through the service."""
        from server.auth import users
        users.add_user(self.ctx, actor={"username": "test", "role": "admin"}, username=username,
                       role=role, password=password)
        return username

    def login(self, username="guard1", role="guard", password="correct-horse-1"):
        """Create (if needed) and sign in a user; remember the CSRF token."""
        if not self.ctx.accounts.get_user(username):
            self.user(username, role, password)
        answer = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.get_json()
        self.csrf = answer.get_json()["csrf_token"]
        return answer

    def post(self, path, json=None, key=None, **kwargs):
        """POST with CSRF and a fresh (or given) Idempotency-Key."""
        headers = {"X-CSRF-Token": self.csrf or "", "Idempotency-Key": key or uuid.uuid4().hex}
        headers.update(kwargs.pop("headers", {}))
        return self.client.post(path, json=json, headers=headers, **kwargs)


@pytest.fixture
def auth(ctx, client):
    """The auth helper."""
    return Auth(ctx, client)


@pytest.fixture(scope="module")
def live_redis():
    """A redis-server of the module's own (so a live server's state is independent)."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_server(live_redis, tmp_path_factory):
    """A real server process on its own Redis, for realtime and browser tests."""
    server = LiveServer(live_redis, tmp_path_factory.mktemp("live")).start()
    yield server
    server.stop()
