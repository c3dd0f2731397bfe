"""Passwords follow NIST SP 800-63B: length, not blank, not a known common password; no composition rules."""
import pytest

LOGIN = "/api/v1/auth/login"
USER = {"username": "newguard", "role": "guard", "display_name": "New Guard"}


@pytest.fixture
def admin(login_as):
    """An admin signed in on a client of its own."""
    return login_as("boss", "admin")


@pytest.mark.parametrize("password, says", [
    (" " * 10, "space"), ("\t \u3000 \u3000   ", "space"), ("seven77", "at least 8"),
    ("password1", "common"), ("Password123", "common"), ("QWERTYUIOP", "common"), ("12345678", "common"),
    ("woaini1314", "common"), ("iloveyou2024", "common"), ("newguard", "username"),
])
def test_weak_passwords_are_400_on_password_with_a_reason(admin, ctx, password, says):
    answer = admin.post("/api/v1/users", json={**USER, "password": password})
    assert answer.status_code == 400
    message = answer.get_json()["error"]["fields"]["password"]
    assert says in message, message
    assert ctx.accounts.get_user("newguard") is None


@pytest.mark.parametrize("password", ["correct-horse-1", "zq8 Kp2m", "门岗守望-东门-2026",
                                      "a long passphrase of several ordinary words, " * 5])
def test_any_long_enough_uncommon_password_is_accepted_without_composition_rules(admin, app, password):
    assert len(password) >= 8
    answer = admin.post("/api/v1/users", json={**USER, "password": password})
    assert answer.status_code == 201, answer.get_json()
    signed = app.test_client().post(LOGIN, json={"username": "newguard", "password": password})
    assert signed.status_code == 200


def test_a_password_reset_follows_the_same_rules(admin, app):
    assert admin.post("/api/v1/users", json={**USER, "password": "correct-horse-1"}).status_code == 201
    for weak in (" " * 12, "password123"):
        answer = admin.post("/api/v1/users/newguard/password", json={"password": weak})
        assert answer.status_code == 400 and "password" in answer.get_json()["error"]["fields"]
    signed = app.test_client().post(LOGIN, json={"username": "newguard", "password": "correct-horse-1"})
    assert signed.status_code == 200


def test_the_cli_follows_the_same_rules(runner):
    status, _, err = runner("users", "add", "carol", "--password", " " * 10)
    assert status != 0 and "password" in err and "space" in err
    assert runner("users", "add", "carol", "--password", "correct-horse-1")[0] == 0
    status, _, err = runner("users", "passwd", "carol", "--password", "password123")
    assert status != 0 and "common" in err
