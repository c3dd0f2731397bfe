"""The `gatewatch` command: check-config, one-line errors for bad settings, and `users`."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
VENUE = ROOT / "venues" / "default.yaml"
LOGIN = "/api/v1/auth/login"


def test_check_config_prints_one_ok_line(runner):
    status, out, err = runner("check-config")
    assert status == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert "OK" in line and str(VENUE) in line
    for part in ("'default'", "5 entrances", "11 interior checkpoints", "8 zones", "9 incident categories",
                 "6 checklists"):
        assert part in line, part


def gatewatch(tmp_path, *argv, **env):
    """Run `python -m server.cli` in a clean environment and directory; return the CompletedProcess."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GATEWATCH_")}
    clean.update(PYTHONPATH=str(ROOT), GATEWATCH_DATA_DIR=str(tmp_path / "var"), GATEWATCH_VENUE=str(VENUE),
                 GATEWATCH_SECRET_KEY="test-secret")
    clean.update(env)
    return subprocess.run([sys.executable, "-m", "server.cli", *argv], cwd=tmp_path, env=clean,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def bad_venue(tmp_path):
    """Return a venue file that is valid YAML but not a valid venue."""
    path = tmp_path / "broken.yaml"
    path.write_text(VENUE.read_text(encoding="utf-8").replace("default_phase: pre_event", "default_phase: siesta"),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("argv,setting,value", [
    (("check-config",), "GATEWATCH_VENUE", "/nonexistent/venue.yaml"),
    (("users", "list"), "GATEWATCH_VENUE", "/nonexistent/venue.yaml"),
    (("check-config",), "GATEWATCH_ASYNC_MODE", "twisted"),
    (("serve", "--port", "1"), "GATEWATCH_ASYNC_MODE", "twisted"),
    (("check-config",), "GATEWATCH_REDIS_URL", "http://localhost:6379"),
    (("users", "list"), "GATEWATCH_REDIS_URL", "localhost:6379"),
    (("users", "list"), "GATEWATCH_REDIS_URL", "redis://localhost:notaport/0"),
    (("check-config",), "GATEWATCH_REDIS_URL", "redis://localhost:notaport/0"),
], ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_a_bad_setting_stops_with_one_line_naming_it(tmp_path, argv, setting, value):
    done = gatewatch(tmp_path, *argv, **{setting: value})
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert setting in lines[0]


def test_an_invalid_venue_file_stops_with_one_line_naming_it(tmp_path, bad_venue):
    done = gatewatch(tmp_path, "check-config", GATEWATCH_VENUE=str(bad_venue))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad_venue) in lines[0] and "default_phase" in lines[0], done.stderr


def test_check_config_as_a_subprocess_succeeds(tmp_path):
    done = gatewatch(tmp_path, "check-config")
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout and done.stderr == ""


def test_users_add_and_list(runner, client):
    status, out, err = runner("users", "add", "bob", "--role", "operator", "--password", "bobs-long-password",
                              "--display-name", "Bob B")
    assert status == 0, err
    assert "bob" in out
    status, out, _ = runner("users", "list")
    assert status == 0
    row = next(line.split() for line in out.splitlines() if line.startswith("bob "))
    assert row[:3] == ["bob", "operator", "active"] and " ".join(row[3:]) == "Bob B"
    answer = client.post(LOGIN, json={"username": "bob", "password": "bobs-long-password"})
    assert answer.status_code == 200
    assert answer.get_json()["user"]["display_name"] == "Bob B"


def test_users_add_refuses_bad_input_with_one_line(runner, client):
    assert runner("users", "add", "bob", "--password", "bobs-long-password")[0] == 0
    for argv, word in ((("users", "add", "bob", "--password", "another-long-pw"), "exists"),
                       (("users", "add", "carol", "--password", "short"), "password"),
                       (("users", "add", "Bad Name", "--password", "long-enough-pw"), "username")):
        status, out, err = runner(*argv)
        assert status != 0, argv
        assert len(err.strip().splitlines()) == 1 and word in err, err
    status, out, _ = runner("users", "list")
    assert [line.split()[0] for line in out.splitlines()] == ["bob"]


def test_users_disable_and_enable(runner, client):
    runner("users", "add", "bob", "--password", "bobs-long-password")
    token = runner("users", "token", "bob")[1].strip()
    assert runner("users", "disable", "bob")[0] == 0
    assert "disabled" in next(line for line in runner("users", "list")[1].splitlines() if line.startswith("bob "))
    assert client.post(LOGIN, json={"username": "bob", "password": "bobs-long-password"}).status_code == 401
    assert client.get("/api/v1/patrols", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert runner("users", "enable", "bob")[0] == 0
    assert "active" in next(line for line in runner("users", "list")[1].splitlines() if line.startswith("bob "))
    assert client.post(LOGIN, json={"username": "bob", "password": "bobs-long-password"}).status_code == 200


def test_users_passwd(runner, client):
    runner("users", "add", "bob", "--password", "bobs-long-password")
    status, _, err = runner("users", "passwd", "bob", "--password", "bobs-newer-password")
    assert status == 0, err
    assert client.post(LOGIN, json={"username": "bob", "password": "bobs-long-password"}).status_code == 401
    assert client.post(LOGIN, json={"username": "bob", "password": "bobs-newer-password"}).status_code == 200
    status, _, err = runner("users", "passwd", "bob", "--password", "short")
    assert status != 0 and "password" in err
    assert client.post(LOGIN, json={"username": "bob", "password": "bobs-newer-password"}).status_code == 200


def test_users_token_is_a_working_bearer_token(runner, client):
    runner("users", "add", "phone1", "--role", "guard", "--password", "phone-long-password")
    status, out, err = runner("users", "token", "phone1", "--name", "gate phone")
    assert status == 0, err
    token = out.strip()
    assert len(out.strip().splitlines()) == 1 and token.startswith("gw_")  # stdout is just the token
    assert token not in err
    answer = client.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"},
                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "phone-1"})
    assert answer.status_code == 201
    assert answer.get_json()["event"]["actor"] == {"username": "phone1", "role": "guard"}
    assert runner("users", "token", "phone1")[1].strip() != token  # every call makes a new one


def test_users_commands_on_an_unknown_user_fail_cleanly(runner, client):
    for action in ("disable", "enable", "token"):
        status, out, err = runner("users", action, "ghost")
        assert status != 0, action
        assert "ghost" in err and len(err.strip().splitlines()) == 1, err
    status, _, err = runner("users", "passwd", "ghost", "--password", "long-enough-pw")
    assert status != 0 and "ghost" in err


def test_users_without_a_username_fail_cleanly(runner, client):
    status, _, err = runner("users", "add", "--password", "long-enough-pw")
    assert status == 2 and "USERNAME" in err
