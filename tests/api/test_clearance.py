"""Clearance after a meeting: a round per post_event, every zone confirmed, completed exactly once."""
import threading
import uuid

import pytest
import requests

from support import LiveServer

pytestmark = pytest.mark.usefixtures("quick_hashes")


@pytest.fixture
def as_role(app, bearer):
    """Return a function that POSTs as a user of a role; .get reads."""
    def make(role, username=None):
        headers = bearer(username or f"clr-{role}", role)
        client = app.test_client()

        def post(path, body, key=None):
            return client.post(path, json=body, headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex})
        post.get = lambda path: client.get(path, headers=headers)
        return post
    return make


@pytest.fixture
def zones(ctx):
    """Return the venue's zone ids."""
    return [z.id for z in ctx.venue.zones]


def to_phase(as_role, phase):
    """Move the venue into a phase as a commander."""
    answer = as_role("commander")("/api/v1/phase", {"phase": phase})
    assert answer.status_code in (200, 201), answer.get_json()


def confirm(post, zone, people=0, **extra):
    """Confirm one zone; return the answer."""
    return post(f"/api/v1/clearance/{zone}", {"people_found": people, **extra})


def test_no_round_before_post_event_is_a_409_naming_it(as_role, zones):
    answer = confirm(as_role("guard"), zones[0])
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "no_round"
    board = as_role("guard").get("/api/v1/clearance").get_json()
    assert board["round_id"] is None and not board["open"] and not board["venue_cleared"]
    assert [z["state"] for z in board["zones"]] == ["open"] * len(zones)


def test_every_zone_confirmed_clears_the_venue_once_with_the_time_taken(as_role, zones, timeline):
    to_phase(as_role, "post_event")
    guard = as_role("guard")
    for zone in zones[:-1]:
        answer = confirm(guard, zone)
        assert answer.status_code == 201, answer.get_json()
        assert not answer.get_json()["clearance"]["venue_cleared"]
    last = confirm(guard, zones[-1]).get_json()
    assert [e["type"] for e in last["events"]] == ["clearance.zone_confirmed", "clearance.completed"]
    assert last["clearance"]["venue_cleared"] and last["clearance"]["took_s"] >= 0
    board = guard.get("/api/v1/clearance").get_json()
    assert board["venue_cleared"] and {z["state"] for z in board["zones"]} == {"cleared"}
    assert all(z["by"] == "clr-guard" and z["at"] for z in board["zones"])
    assert len(timeline("clearance.completed")) == 1


def test_a_zone_cleared_twice_is_409_and_unknown_zone_404_and_bad_count_400(as_role, zones):
    to_phase(as_role, "post_event")
    guard = as_role("guard")
    assert confirm(guard, zones[0]).status_code == 201
    again = confirm(guard, zones[0])
    assert again.status_code == 409 and again.get_json()["status"] == "cleared"
    assert confirm(guard, "no_such_zone").status_code == 404
    bad = confirm(guard, zones[1], people=-1)
    assert bad.status_code == 400 and "people_found" in bad.get_json()["error"]["fields"]


def test_people_found_keep_the_zone_open_until_a_sweep_finds_nobody(as_role, zones):
    to_phase(as_role, "post_event")
    guard = as_role("guard")
    first = confirm(guard, zones[0], people=2, note="two delegates in the cloakroom").get_json()
    zone = first["clearance"]["zones"][0]
    assert zone["state"] == "people_found" and zone["people_found"] == 2
    second = confirm(as_role("guard", "clr-guard2"), zones[0], people=0).get_json()["clearance"]["zones"][0]
    assert second["state"] == "cleared" and second["found_earlier"] == 2 and second["confirmations"] == 2


def test_a_replayed_confirmation_answers_the_same_not_409(as_role, zones):
    to_phase(as_role, "post_event")
    guard = as_role("guard")
    key = uuid.uuid4().hex
    first = guard(f"/api/v1/clearance/{zones[0]}", {"people_found": 0}, key=key)
    assert first.status_code == 201
    replay = guard(f"/api/v1/clearance/{zones[0]}", {"people_found": 0}, key=key)
    assert replay.status_code == 201 and replay.get_json() == first.get_json()


def test_the_next_post_event_starts_a_new_round(as_role, zones):
    to_phase(as_role, "post_event")
    guard = as_role("guard")
    first_round = confirm(guard, zones[0]).get_json()["clearance"]["round_id"]
    to_phase(as_role, "closed")
    closed = guard.get("/api/v1/clearance").get_json()
    assert not closed["open"] and closed["zones"][0]["state"] == "cleared"  # the board stays readable
    assert confirm(guard, zones[1]).status_code == 409
    to_phase(as_role, "post_event")
    board = guard.get("/api/v1/clearance").get_json()
    assert board["open"] and board["round_id"] != first_round
    assert {z["state"] for z in board["zones"]} == {"open"}


def test_roles_display_reads_and_cannot_confirm(as_role, zones):
    to_phase(as_role, "post_event")
    display = as_role("display")
    assert display.get("/api/v1/clearance").status_code == 200
    assert confirm(display, zones[0]).status_code == 403
    assert confirm(as_role("operator"), zones[0]).status_code == 201


def test_visitors_still_on_site_are_on_the_board(as_role, zones, ctx):
    entrance = ctx.venue.entrances[0].id
    registered = as_role("guard")("/api/v1/visitors", {
        "name": "李明", "id_type": "passport", "id_number": "E12345678", "purpose": "meeting",
        "entrance_id": entrance})
    assert registered.status_code == 201, registered.get_json()
    to_phase(as_role, "post_event")
    board = as_role("operator").get("/api/v1/clearance").get_json()
    assert [v["name"] for v in board["visitors_on_site"]] == ["李明"]
    assert "E12345678" not in str(board)


def test_two_guards_on_two_processes_clearing_the_last_two_zones_complete_it_exactly_once(live_redis, tmp_path):
    """The race the issue names: both last zones at the same moment, on two server processes."""
    servers = [LiveServer(live_redis, tmp_path).start(), LiveServer(live_redis, tmp_path).start()]
    try:
        first = servers[0]
        zones = [z.id for z in first.ctx.venue.zones]
        tokens = [first.token(first.add_user(name, role)) for name, role in
                  (("race-cmd", "commander"), ("race-g1", "guard"), ("race-g2", "guard"))]
        for round_no in range(3):  # a few rounds, so a lucky ordering cannot pass by chance
            for phase in ("closed", "post_event"):
                assert first.post("/api/v1/phase", tokens[0], {"phase": phase}).status_code in (200, 201)
            for zone in zones[:-2]:
                assert first.post(f"/api/v1/clearance/{zone}", tokens[1], {"people_found": 0}).status_code == 201
            barrier, answers = threading.Barrier(2), []

            def sweep(server, token, zone):
                barrier.wait()
                answers.append(server.post(f"/api/v1/clearance/{zone}", token, {"people_found": 0}))
            threads = [threading.Thread(target=sweep, args=(servers[i], tokens[1 + i], zones[-2 + i]))
                       for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert [a.status_code for a in answers] == [201, 201]
            completions = [e for a in answers for e in a.json()["events"] if e["type"] == "clearance.completed"]
            assert len(completions) == 1, f"round {round_no}: {len(completions)} completions"
        headers = {"Authorization": f"Bearer {tokens[0]}"}
        board = requests.get(first.url + "/api/v1/clearance", timeout=5, headers=headers).json()
        assert board["venue_cleared"]
        stored = requests.get(first.url + "/api/v1/events?type=clearance.completed&limit=100", timeout=5,
                              headers=headers).json()["events"]
        assert len(stored) == 3  # one per round, never two
    finally:
        for server in servers:
            server.stop()
