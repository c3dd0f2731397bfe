"""Per-audience delivery: each role and user receives exactly its events, live and on resume."""
import pytest

from helpers import Listener

USERS = {"g1": "guard", "g2": "guard", "op1": "operator", "disp1": "display", "cmd1": "commander",
         "adm1": "admin"}


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    for username, role in USERS.items():
        live_server.add_user(username, role)
    return {username: live_server.token(username) for username in USERS}


def act(server, tokens):
    """Two guards check in, the commander changes phase, an admin creates a user; return ids."""
    def post(who, path, body):
        answer = server.post(path, tokens[who], body)
        assert answer.status_code == 201, answer.text
        return answer.json()["event"]["id"]
    return {
        "g1_checkin": post("g1", "/api/v1/checkins", {"checkpoint_id": "E1", "status": "clear"}),
        "g2_checkin": post("g2", "/api/v1/checkins", {"checkpoint_id": "E2", "status": "clear"}),
        "phase": post("cmd1", "/api/v1/phase", {"phase": "in_session"}),
        "user": post("adm1", "/api/v1/users", {"username": "newbie", "role": "guard",
                                                "password": "a-long-pass-phrase"}),
    }


# Who receives what (DESIGN §5): the feed roles everything operational; a guard the phase, and
# their own check-ins (their other devices); account events travel to nobody.
EXPECTED = {
    "op1": ["g1_checkin", "g2_checkin", "phase"],
    "disp1": ["g1_checkin", "g2_checkin", "phase"],
    "g1": ["g1_checkin", "phase"],
    "g2": ["g2_checkin", "phase"],
}


def test_each_viewer_gets_exactly_its_set_live_and_on_resume(live_server, tokens):
    """Live and resumed from the same cursor, every viewer receives the same, exact set."""
    start = live_server.ctx.store.last_id()
    live = {who: Listener(live_server.url, tokens[who], since=start).connect() for who in EXPECTED}
    try:
        ids = act(live_server, tokens)
        for who, names in EXPECTED.items():
            assert live[who].wait_ids([ids[n] for n in names]), who
        live["op1"].wait_for(lambda s: False, timeout=0.5)  # let anything extra arrive
        for who, names in EXPECTED.items():
            assert live[who].ids == [ids[n] for n in names], who
    finally:
        for listener in live.values():
            listener.close()
    for who, names in EXPECTED.items():
        resumed = Listener(live_server.url, tokens[who], since=start).connect()
        try:
            assert resumed.wait_ids([ids[n] for n in names]), who
            resumed.wait_for(lambda s: False, timeout=0.3)
            assert resumed.ids == [ids[n] for n in names], f"{who} on resume"
            assert resumed.frames[0] == len(names), "a resumed backlog arrives as one frame"
        finally:
            resumed.close()
