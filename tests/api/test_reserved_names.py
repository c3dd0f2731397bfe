"""The names the server writes as its own actors cannot be taken by a user."""
import pytest

from server import events as ev
from server.auth import users
from server.cli_commands import CLI_ACTOR

LOGIN = "/api/v1/auth/login"


@pytest.mark.parametrize("name", ["system", "cli", "demo"])
def test_creating_a_user_with_a_system_name_is_400_on_username(login_as, ctx, name):
    admin = login_as("boss", "admin")
    answer = admin.post("/api/v1/users", json={"username": name, "role": "admin", "password": "a-long-password"})
    assert answer.status_code == 400
    assert "username" in answer.get_json()["error"]["fields"]
    assert ctx.accounts.get_user(name) is None
    assert admin.client.post(LOGIN, json={"username": name, "password": "a-long-password"}).status_code == 401


def test_the_cli_refuses_a_system_name_too(runner):
    status, _, err = runner("users", "add", "system", "--role", "admin", "--password", "a-long-password")
    assert status != 0 and "username" in err and "reserved" in err
    assert "system" not in runner("users", "list")[1].split()


def test_every_actor_the_server_writes_itself_is_reserved():
    for actor in (ev.SYSTEM_ACTOR, CLI_ACTOR, {"username": "demo"}):
        assert actor["username"] in users.RESERVED_USERNAMES
