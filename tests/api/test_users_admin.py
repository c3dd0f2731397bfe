"""User administration over HTTP: create, duplicate, validation, disable/enable, password reset."""
import threading
import uuid

import pytest

LOGIN = "/api/v1/auth/login"
NEW = {"username": "newguard", "role": "guard", "password": "a-long-password", "display_name": "New Guard"}


@pytest.fixture
def admin(login_as):
    """An admin signed in on a client of its own."""
    return login_as("boss", "admin")


def sign_in(app, username, password):
    """Try to sign in on a fresh client; return the answer."""
    return app.test_client().post(LOGIN, json={"username": username, "password": password})


def test_admin_creates_a_user_who_can_sign_in(admin, app, timeline):
    answer = admin.post("/api/v1/users", json=NEW)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["user"] == {"username": "newguard", "role": "guard", "display_name": "New Guard", "disabled": False}
    assert body["event"]["type"] == "user.created"
    assert body["event"]["actor"] == {"username": "boss", "role": "admin"}
    assert "password" not in answer.get_data(as_text=True) and "pw_hash" not in answer.get_data(as_text=True)
    signed = sign_in(app, "newguard", "a-long-password")
    assert signed.status_code == 200 and signed.get_json()["user"]["role"] == "guard"
    listed = admin.client.get("/api/v1/users").get_json()["users"]
    assert {"username": "newguard", "role": "guard", "display_name": "New Guard", "disabled": False} in listed
    assert "pw_hash" not in admin.client.get("/api/v1/users").get_data(as_text=True)
    assert [e["data"] for e in timeline("user.created") if e["data"]["username"] == "newguard"] == \
        [{"username": "newguard", "role": "guard"}]


def test_duplicate_username_is_409(admin, app):
    assert admin.post("/api/v1/users", json=NEW).status_code == 201
    answer = admin.post("/api/v1/users", json={**NEW, "password": "another-password", "role": "admin"})
    assert answer.status_code == 409
    assert "username" in answer.get_json()["error"]["fields"]
    assert sign_in(app, "newguard", "a-long-password").get_json()["user"]["role"] == "guard"  # unchanged


def test_two_admins_creating_the_same_username_at_once_get_one_201_and_one_409(app, bearer, ctx, timeline):
    headers = [bearer("boss1", "admin"), bearer("boss2", "admin")]
    start, answers = threading.Barrier(2), []

    def create(auth_headers, password):
        client = app.test_client()
        start.wait()
        answer = client.post("/api/v1/users", json={**NEW, "password": password},
                             headers={**auth_headers, "Idempotency-Key": uuid.uuid4().hex})
        answers.append(answer.status_code)
    threads = [threading.Thread(target=create, args=(h, p)) for h, p in zip(headers, ("password-one-1", "password-two-2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409]
    assert len([e for e in timeline("user.created") if e["data"]["username"] == "newguard"]) == 1


@pytest.mark.parametrize("password", ["short", "", None, 12345678901, "x" * 257])
def test_weak_or_bad_password_is_400(admin, password):
    answer = admin.post("/api/v1/users", json={**NEW, "password": password})
    assert answer.status_code == 400
    assert "password" in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize("username", ["A", "Upper", "has space", "x" * 33, "-dash", "名字", "", None, 7])
def test_bad_username_is_400(admin, username):
    answer = admin.post("/api/v1/users", json={**NEW, "username": username})
    assert answer.status_code == 400
    assert "username" in answer.get_json()["error"]["fields"]


def test_bad_role_is_400(admin):
    answer = admin.post("/api/v1/users", json={**NEW, "role": "superuser"})
    assert answer.status_code == 400 and "role" in answer.get_json()["error"]["fields"]


def test_disable_ends_sessions_and_tokens_and_blocks_sign_in(admin, app, auth, login_as, ctx):
    victim = login_as("gone", "guard")
    token = ctx.accounts.create_token("gone", "phone")
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/patrols", headers=bearer).status_code == 200
    answer = admin.post("/api/v1/users/gone/disable", json={})
    assert answer.status_code == 200
    assert answer.get_json()["user"]["disabled"] is True
    assert answer.get_json()["event"]["type"] == "user.disabled"
    assert sign_in(app, "gone", "correct-horse-1").status_code == 401
    assert app.test_client().get("/api/v1/patrols", headers=bearer).status_code == 401
    assert victim.client.get("/api/v1/patrols").status_code == 401  # the open session ended too
    listed = {u["username"]: u for u in admin.client.get("/api/v1/users").get_json()["users"]}
    assert listed["gone"]["disabled"] is True
    # enabling lets them sign in again; the old token stays revoked
    answer = admin.post("/api/v1/users/gone/enable", json={})
    assert answer.status_code == 200 and answer.get_json()["user"]["disabled"] is False
    assert sign_in(app, "gone", "correct-horse-1").status_code == 200
    assert app.test_client().get("/api/v1/patrols", headers=bearer).status_code == 401


def test_admin_cannot_disable_themselves(admin):
    answer = admin.post("/api/v1/users/boss/disable", json={})
    assert answer.status_code == 409
    assert admin.client.get("/api/v1/users").status_code == 200


def test_unknown_user_is_404(admin):
    for action, body in (("disable", {}), ("enable", {}), ("password", {"password": "a-long-password"})):
        answer = admin.post(f"/api/v1/users/ghost/{action}", json=body)
        assert answer.status_code == 404, action


def test_reset_password(admin, app, login_as):
    user = login_as("forgetful", "operator")
    answer = admin.post("/api/v1/users/forgetful/password", json={"password": "brand-new-password"})
    assert answer.status_code == 200
    assert answer.get_json()["event"]["type"] == "user.password_reset"
    assert "brand-new-password" not in answer.get_data(as_text=True)
    assert sign_in(app, "forgetful", "correct-horse-1").status_code == 401
    assert sign_in(app, "forgetful", "brand-new-password").status_code == 200
    assert user.client.get("/api/v1/state").status_code == 401  # sessions on the old password ended
    weak = admin.post("/api/v1/users/forgetful/password", json={"password": "short"})
    assert weak.status_code == 400 and "password" in weak.get_json()["error"]["fields"]


def test_admin_requests_need_an_idempotency_key_and_replay(admin):
    answer = admin.client.post("/api/v1/users", json=NEW, headers={"X-CSRF-Token": admin.csrf})
    assert answer.status_code == 400 and "Idempotency-Key" in answer.get_json()["error"]["fields"]
    first = admin.post("/api/v1/users", json=NEW, key="create-newguard")
    replay = admin.post("/api/v1/users", json=NEW, key="create-newguard")
    assert first.status_code == replay.status_code == 201
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.get_data() == first.get_data()


@pytest.mark.parametrize("role", ["guard", "operator", "commander", "display"])
def test_non_admins_may_not_manage_users(role, login_as, app, auth):
    auth.user("target", "guard")
    user = login_as(f"not-admin-{role}", role)
    assert user.client.get("/api/v1/users").status_code == 403
    for path, body in (("/api/v1/users", NEW), ("/api/v1/users/target/disable", {}),
                       ("/api/v1/users/target/enable", {}),
                       ("/api/v1/users/target/password", {"password": "hijacked-password"})):
        answer = user.post(path, json=body)
        assert answer.status_code == 403, path
    assert sign_in(app, "target", "correct-horse-1").status_code == 200
    assert sign_in(app, "newguard", "a-long-password").status_code == 401
