"""What a wall screen needs from one snapshot: recent feed, last hour's check-ins, names, phase."""


def test_snapshot_carries_recent_feed_checkins_and_names(client, auth, ctx):
    """A display's first paint is not empty: the snapshot brings the feed and the counters."""
    auth.user("screen", "display")
    auth.login("zhang", "guard")
    ids = [auth.post("/api/v1/checkins", json={"checkpoint_id": cp, "status": "clear"}).get_json()["event"]["id"]
           for cp in ("E1", "E2", "E3")]
    auth.login("screen", "display")
    state = client.get("/api/v1/state").get_json()
    recent = [e["id"] for e in state["recent_events"]]
    assert recent[-3:] == ids  # oldest first, ending at the cursor
    assert state["cursor"] == ids[-1]
    assert not any(e["type"].startswith("user.") for e in state["recent_events"])
    assert [c["id"] for c in state["checkins_last_hour"]] == ids
    assert state["people"]["zhang"] == "zhang" and "screen" in state["people"]


def test_guards_learn_the_phase_from_patrols(client, auth):
    """A guard may not read /state, but the patrol list tells the phase."""
    auth.login("commander1", "commander")
    assert auth.post("/api/v1/phase", json={"phase": "in_session", "override_reason": "test arranged without inspections"}).status_code == 201
    auth.login("zhang", "guard")
    answer = client.get("/api/v1/patrols").get_json()
    assert answer["phase"] == "in_session" and answer["phase_since"]
    e1 = next(r for r in answer["patrols"] if r["checkpoint_id"] == "E1")
    assert e1["interval_min"] == 15  # the in-session interval of an entrance


def test_a_screen_learns_only_the_names_it_shows(client, auth):
    """A display's snapshot names guards (any may appear next), not every account (administrators)."""
    auth.user("root2", "admin")
    auth.user("idle", "guard")
    auth.user("wall", "display")
    auth.login("li", "guard")
    assert auth.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"}).status_code == 201
    auth.login("wall", "display")
    people = client.get("/api/v1/state").get_json()["people"]
    assert "li" in people and "wall" in people and "idle" in people
    assert "root2" not in people


def test_every_snapshot_key_is_declared_by_the_core_or_its_concept(client, auth):
    """The /state answer model is assembled from the concepts' declared sections: none missing, none extra."""
    from server.api.models import State
    auth.login("screen2", "display")
    state = client.get("/api/v1/state").get_json()
    assert set(state) == set(State.model_fields)
