"""Per-audience delivery: each role and user receives exactly its events, live and on resume."""
import pytest

from helpers import device_tokens, live_then_resumed

USERS = {"g1": "guard", "g2": "guard", "op1": "operator", "disp1": "display", "cmd1": "commander",
         "adm1": "admin"}


@pytest.fixture(scope="module")
def tokens(live_server):
    """A device token per user."""
    return device_tokens(live_server, USERS)


def act(server, tokens):
    """Two guards check in, the commander changes phase, an admin creates a user; return ids."""
    def post(who, path, body):
        answer = server.post(path, tokens[who], body)
        assert answer.status_code == 201, answer.text
        return answer.json()["event"]["id"]
    return {
        "g1_checkin": post("g1", "/api/v1/checkins", {"checkpoint_id": "E1", "status": "clear"}),
        "g2_checkin": post("g2", "/api/v1/checkins", {"checkpoint_id": "E2", "status": "clear"}),
        "phase": post("cmd1", "/api/v1/phase", {"phase": "in_session", "override_reason": "test arranged without inspections"}),
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
    viewers = {who: tokens[who] for who in EXPECTED}
    ids, live, resumed = live_then_resumed(
        live_server.url, viewers, live_server.ctx.store.last_id(), lambda: act(live_server, tokens),
        lambda ids: {who: [ids[n] for n in names] for who, names in EXPECTED.items()})
    for who, names in EXPECTED.items():
        assert live[who].ids == [ids[n] for n in names], who
        assert resumed[who].ids == [ids[n] for n in names], f"{who} on resume"
        assert resumed[who].frames[0] == len(names), "a resumed backlog arrives as one frame"
