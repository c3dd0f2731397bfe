"""Failed sign-ins are limited per account across addresses too, by a short, growing, capped lock."""
import logging
import time

import pytest

from server.auth import throttle

LOGIN = "/api/v1/auth/login"
RIGHT, WRONG = "correct-horse-1", "wrong-password-9"
LOCK_SECONDS = 2.0  # the first lock; short so the test can wait it out


@pytest.fixture
def app(redis_server, tmp_path):
    """The app with a short first account lock (GATEWATCH_LOGIN_LOCK_SECONDS)."""
    from support import settings_for

    from server import create_app, phase
    from server.app import build_context
    redis_server.client().flushall()
    ctx = build_context(settings_for(redis_server.url, tmp_path, login_lock_seconds=LOCK_SECONDS))
    app = create_app({"TESTING": True}, ctx=ctx)
    phase.ensure_phase(ctx)
    return app


@pytest.fixture
def alice(app, quick_hashes):
    """A guard named alice."""
    from server.auth import users
    users.add_user(app.extensions["gatewatch"], actor={"username": "test", "role": "admin"},
                   username="alice", role="guard", password=RIGHT)
    return "alice"


def sign_in(app, address, password):
    """Sign alice in from an address; return the answer."""
    return app.test_client().post(LOGIN, json={"username": "alice", "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def spray(app, addresses=10, each=5):
    """Send `each` wrong passwords for alice from each of `addresses` addresses."""
    for a in range(addresses):
        for _ in range(each):
            assert sign_in(app, f"10.0.1.{a + 1}", WRONG).status_code in (401, 429)


def test_many_addresses_guessing_one_account_lock_it_briefly_then_it_opens(app, alice, caplog):
    caplog.set_level(logging.WARNING, logger="gatewatch.auth")
    spray(app)
    answer = sign_in(app, "10.0.1.11", RIGHT)
    assert answer.status_code == 429
    assert answer.get_json()["error"]["code"] == "throttled"
    wait = int(answer.headers["Retry-After"])
    assert 1 <= wait <= LOCK_SECONDS * 4
    assert any("alice" in r.getMessage() and "10.0.1." in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)
    time.sleep(wait + 0.1)
    assert sign_in(app, "10.0.1.11", RIGHT).status_code == 200


def test_an_address_that_signed_the_account_in_before_is_not_locked_out_but_still_bounded(app, alice):
    assert sign_in(app, "192.0.2.7", RIGHT).status_code == 200  # alice's own phone, yesterday
    spray(app)
    assert sign_in(app, "10.0.1.11", RIGHT).status_code == 429
    assert sign_in(app, "192.0.2.7", RIGHT).status_code == 200  # the attacker cannot lock her out
    for _ in range(5):
        sign_in(app, "192.0.2.7", WRONG)
    assert sign_in(app, "192.0.2.7", RIGHT).status_code == 429  # but guessing from there is bounded too


def test_locks_grow_exponentially_and_stop_at_the_cap():
    lengths = [throttle.lock_seconds(strike, 60) for strike in range(1, 12)]
    assert lengths[:4] == [60, 120, 240, 480]
    assert max(lengths) == throttle.LOCK_CAP_SECONDS and lengths[-1] == throttle.LOCK_CAP_SECONDS
    assert throttle.lock_seconds(10 ** 6, 60) == throttle.LOCK_CAP_SECONDS  # no overflow
    assert throttle.lock_seconds(3, 2000) == 2000  # a first lock longer than the cap is kept as is


def test_lock_seconds_is_a_setting():
    from server.config import ConfigError, load_settings
    import support
    env = {"GATEWATCH_VENUE": str(support.VENUE)}
    assert load_settings({**env, "GATEWATCH_LOGIN_LOCK_SECONDS": "5"}).login_lock_seconds == 5
    assert load_settings(env).login_lock_seconds == 60
    with pytest.raises(ConfigError, match="GATEWATCH_LOGIN_LOCK_SECONDS"):
        load_settings({**env, "GATEWATCH_LOGIN_LOCK_SECONDS": "soon"})
