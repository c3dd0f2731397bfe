"""The timeline: GET /api/v1/events filters, cursors, time bounds and paging."""
import datetime as dt

import pytest

from server import events as ev

pytestmark = pytest.mark.usefixtures("quick_hashes")
URL = "/api/v1/events"
# 25 check-ins: ann at C1 (lobby), bob at C2 (main hall), cy at C3 (main hall)
PLAN = [("ann", "C1"), ("bob", "C2"), ("ann", "C1"), ("bob", "C2"), ("cy", "C3")] * 5


@pytest.fixture
def checkins(login_as):
    """Record the 25 planned check-ins; return their events in commit order."""
    guards = {name: login_as(name, "guard") for name in ("ann", "bob", "cy")}
    out = []
    for name, checkpoint in PLAN:
        answer = guards[name].post("/api/v1/checkins", json={"checkpoint_id": checkpoint, "status": "clear"})
        assert answer.status_code == 201
        out.append(answer.get_json()["event"])
    return out


def page(answer):
    """Return (status, events, next) of a timeline answer (its `people` aside)."""
    status, body = answer
    return status, body["events"], body["next"]


@pytest.fixture
def get(reader):
    """Return a function answering (status, body) for a timeline query."""
    def query(**params):
        answer = reader(URL, query_string=params)
        return answer.status_code, answer.get_json()
    return query


def ids(events):
    """Return the ids of events."""
    return [e["id"] for e in events]


def every_event(ctx, role="admin"):
    """Return every stored event id a role may read in the timeline, oldest first, from the stream."""
    from server.visibility import Viewer
    return [e["id"] for e in ctx.store.scan_events() if ctx.registry.readable(e, Viewer(role, None))]


def pages(get, **params):
    """Follow `next` to the end; return the list of pages of ids."""
    out, cursor_name = [], "after" if params.get("order") == "asc" or "after" in params else "before"
    while True:
        status, body = get(**params)
        assert status == 200, body
        out.append(ids(body["events"]))
        if body["next"] is None:
            return out
        assert body["next"] == body["events"][-1]["id"]
        params[cursor_name] = body["next"]
        assert len(out) < 50, "paging does not end"


def test_events_carry_the_public_envelope(checkins, get):
    status, body = get(type="patrol.checkin", limit=1)
    assert status == 200
    assert body["events"] == [checkins[-1]]  # newest first, exactly what the POST answered
    assert "_locations" not in body["events"][0]


def test_filter_by_type(checkins, get):
    assert ids(get(type="patrol.checkin")[1]["events"]) == ids(checkins)[::-1]
    phases = get(type="phase.changed")[1]["events"]
    assert len(phases) == 1 and phases[0]["data"]["phase"] == "pre_event"
    assert page(get(type="incident.reported")) == (200, [], None)


def test_filter_by_location_matches_checkpoint_and_its_zone(checkins, get):
    by = {cp: [e["id"] for e in checkins if e["data"]["checkpoint_id"] == cp] for cp in ("C1", "C2", "C3")}
    assert ids(get(location="C2")[1]["events"]) == by["C2"][::-1]
    assert ids(get(location="C3")[1]["events"]) == by["C3"][::-1]
    main_hall = sorted(by["C2"] + by["C3"], key=ev.id_key, reverse=True)
    assert ids(get(location="main_hall")[1]["events"]) == main_hall
    assert ids(get(location="lobby")[1]["events"]) == by["C1"][::-1]
    assert get(location="E1")[1]["events"] == []
    assert get(location="parking")[1]["events"] == []


def test_filter_by_actor_and_combined_filters(checkins, get):
    anns = [e["id"] for e in checkins if e["actor"]["username"] == "ann"]
    assert ids(get(actor="ann")[1]["events"]) == anns[::-1]
    assert get(actor="ann", location="main_hall")[1]["events"] == []
    bob_c2 = get(actor="bob", location="C2", type="patrol.checkin")[1]["events"]
    assert len(bob_c2) == 10 and {e["actor"]["username"] for e in bob_c2} == {"bob"}
    assert get(actor="nobody")[1]["events"] == []


def test_from_and_to_bound_by_time_inclusively(checkins, get, ctx):
    everything = every_event(ctx)
    low, high = ev.id_ms(checkins[5]["id"]), ev.id_ms(checkins[19]["id"])
    in_window = [i for i in everything if low <= ev.id_ms(i) <= high]
    assert checkins[5]["id"] in in_window and checkins[19]["id"] in in_window
    assert ids(get(**{"from": ev.ms_to_iso(low), "to": ev.ms_to_iso(high), "limit": 1000})[1]["events"]) \
        == in_window[::-1]
    assert ids(get(**{"from": ev.ms_to_iso(low)})[1]["events"]) == [i for i in everything if ev.id_ms(i) >= low][::-1]
    assert ids(get(to=ev.ms_to_iso(high))[1]["events"]) == [i for i in everything if ev.id_ms(i) <= high][::-1]
    # the same instant written in venue time selects the same events
    shanghai = dt.datetime.fromtimestamp(low / 1000, dt.timezone(dt.timedelta(hours=8))).isoformat(
        timespec="milliseconds")
    assert get(**{"from": shanghai})[1] == get(**{"from": ev.ms_to_iso(low)})[1]
    # filtered (index) reads honour the same bounds
    window_checkins = [e["id"] for e in checkins if low <= ev.id_ms(e["id"]) <= high]
    assert ids(get(type="patrol.checkin", **{"from": ev.ms_to_iso(low), "to": ev.ms_to_iso(high)})[1]["events"]) \
        == window_checkins[::-1]
    later = ev.iso(ev.utc_now() + dt.timedelta(hours=1))
    assert get(**{"from": later})[1]["events"] == []


@pytest.mark.parametrize("indexed", [True, False], ids=["type-index", "whole-stream"])
def test_paging_newest_first_has_no_gaps_and_no_duplicates(checkins, get, ctx, indexed):
    filters = {"type": "patrol.checkin"} if indexed else {}
    expected = ids(checkins)[::-1] if indexed else every_event(ctx)[::-1]
    got = pages(get, limit=10, **filters)
    assert all(len(p) == 10 for p in got[:-1]) and 1 <= len(got[-1]) <= 10
    flat = [i for p in got for i in p]
    assert flat == expected
    assert len(set(flat)) == len(flat)


def test_twenty_five_checkins_make_three_pages_of_ten(checkins, get):
    got = pages(get, type="patrol.checkin", limit=10)
    assert [len(p) for p in got] == [10, 10, 5]
    assert [i for p in got for i in p] == ids(checkins)[::-1]


def test_paging_oldest_first_with_after(checkins, get, ctx):
    start = checkins[2]["id"]
    got = pages(get, after=start, limit=10)
    expected = [i for i in every_event(ctx) if ev.id_key(i) > ev.id_key(start)]
    assert [i for p in got for i in p] == expected
    assert pages(get, type="patrol.checkin", order="asc", limit=7)[-1][-1] == checkins[-1]["id"]
    assert [len(p) for p in pages(get, type="patrol.checkin", order="asc", limit=7)] == [7, 7, 7, 4]


def test_before_cursor_pages_older_events(checkins, get):
    status, body = get(type="patrol.checkin", before=checkins[10]["id"], limit=4)
    assert status == 200
    assert ids(body["events"]) == ids(checkins[6:10])[::-1]
    assert body["next"] == checkins[6]["id"]
    assert page(get(type="patrol.checkin", before=checkins[0]["id"])) == (200, [], None)
    between = get(type="patrol.checkin", after=checkins[3]["id"], before=checkins[8]["id"])[1]["events"]
    assert sorted(ids(between), key=ev.id_key) == ids(checkins[4:8])


def test_limit_is_honoured(checkins, get):
    status, body = get(limit=1)
    assert status == 200 and len(body["events"]) == 1 and body["next"] == body["events"][0]["id"]
    assert len(get(limit=1000)[1]["events"]) == len(get(limit=500)[1]["events"])


@pytest.mark.parametrize("params,field", [
    ({"after": "abc"}, "after"), ({"before": "12-"}, "before"), ({"after": "-1-0"}, "after"),
    ({"before": "1700000000000"}, "before"),
    ({"before": "99999999999999999999-0"}, "before"),
    ({"limit": "0"}, "limit"), ({"limit": "1001"}, "limit"), ({"limit": "-5"}, "limit"),
    ({"limit": "ten"}, "limit"), ({"limit": "2.5"}, "limit"),
    ({"location": "atlantis"}, "location"),
    ({"from": "yesterday"}, "from"), ({"to": "2025-01-01T10:00:00"}, "to"),
    ({"from": "0001-01-01T00:00:00+01:00"}, "from"), ({"order": "sideways"}, "order"),
], ids=lambda v: str(v) if isinstance(v, str) else "-".join(f"{k}={x}" for k, x in v.items()))
def test_bad_query_parameters_are_400(params, field, get, app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    status, body = get(**params)
    assert status == 400, (params, status)
    assert field in body["error"]["fields"]


def test_a_bad_parameter_among_good_ones_is_still_400(get, checkins):
    status, body = get(type="patrol.checkin", limit="0", location="C1")
    assert status == 400 and set(body["error"]["fields"]) == {"limit"}


def test_times_before_1970_bound_by_the_stream_start(checkins, get, ctx):
    """Stream ids start at 1970: an earlier `from` is the start, an earlier `to` selects nothing."""
    everything = every_event(ctx)
    assert ids(get(**{"from": "1900-01-01T00:00:00Z", "limit": 1000})[1]["events"]) == everything[::-1]
    assert ids(get(**{"from": "0075-11-24T09:31:48Z", "order": "asc", "limit": 1000})[1]["events"]) == everything
    assert page(get(to="1969-12-31T23:59:59Z")) == (200, [], None)
    assert get(type="patrol.checkin", to="0031-01-01T00:00:01-04:02")[1]["events"] == []


def test_a_page_names_the_people_its_events_mention_by_display_name(auth, ctx):
    from server.auth import users
    users.add_user(ctx, actor={"username": "test", "role": "admin"}, username="g_named", role="guard",
                   password="correct-horse-1", display_name="陈守卫")
    auth.login("g_named", "guard")
    assert auth.post("/api/v1/checkins", {"checkpoint_id": "E1", "status": "clear"}).status_code == 201
    auth.login("reader-cmd", "commander")
    body = auth.client.get(URL, query_string={"type": "patrol.checkin"}).get_json()
    assert body["events"][0]["actor"]["username"] == "g_named"
    assert body["people"]["g_named"] == "陈守卫"


def test_two_filters_page_through_more_candidates_than_one_walk_takes(checkins, get, ctx, monkeypatch):
    # the intersection walks at most `budget` ids per round trip: with a budget of 2 every page
    # needs several, and paging on by `next` must neither skip nor repeat an event
    store = type(ctx.store)
    real = store.index_intersection
    monkeypatch.setattr(store, "index_intersection",
                        lambda self, *args, **kwargs: real(self, *args, **{**kwargs, "budget": 2}))
    bobs = [e["id"] for e in checkins if e["actor"]["username"] == "bob"]
    seen, cursor = [], None
    while True:
        params = {"actor": "bob", "location": "main_hall", "limit": 3, **({"before": cursor} if cursor else {})}
        status, body = get(**params)
        assert status == 200
        seen += ids(body["events"])
        cursor = body["next"]
        if not cursor:
            break
    assert seen == bobs[::-1]
    status, body = get(actor="bob", location="main_hall", order="asc", limit=4)
    assert ids(body["events"]) == bobs[:4]
