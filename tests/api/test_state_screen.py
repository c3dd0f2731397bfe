"""What a wall screen needs from one snapshot: recent feed, last hour's check-ins, names, phase."""
from support import flat


def test_snapshot_carries_recent_feed_checkins_and_names(client, auth, ctx):
    """A display's first paint is not empty: the snapshot brings the feed and the counters."""
    auth.user("screen", "display")
    auth.login("zhang", "guard")
    ids = [auth.post("/api/v1/checkins", json={"checkpoint_id": cp, "status": "clear"}).get_json()["event"]["id"]
           for cp in ("E1", "E2", "E3")]
    auth.login("screen", "display")
    state = flat(client.get("/api/v1/state").get_json())
    recent = [e["id"] for e in state["recent_events"]]
    assert recent[-3:] == ids  # oldest first, ending at the cursor
    assert state["cursor"] == ids[-1]
    assert not any(e["type"].startswith("user.") for e in state["recent_events"])
    assert sum(c["count"] for c in state["checkins"]) == 3  # per minute, never the ids themselves
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
    """A display's snapshot names only the people its rows and events show (not idle guards, not admins)."""
    auth.user("root2", "admin")
    auth.user("idle", "guard")
    auth.user("wall", "display")
    auth.login("li", "guard")
    assert auth.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "clear"}).status_code == 201
    auth.login("wall", "display")
    people = flat(client.get("/api/v1/state").get_json())["people"]
    assert "li" in people and "wall" in people
    assert "idle" not in people and "root2" not in people


def test_every_snapshot_key_is_declared_by_the_core_or_its_concept(client, auth):
    """The /state answer model is assembled from the concepts' declared sections: none missing, none extra."""
    from server.api.models import State
    auth.login("screen2", "display")
    state = client.get("/api/v1/state").get_json()
    assert set(state) == set(State.model_fields)
    sections = State.model_fields["sections"].annotation.model_fields
    assert state["sections"] and set(state["sections"]) <= set(sections)
    assert "watchlist_hits" in sections and "watchlist_hits" not in state["sections"]  # staff only
