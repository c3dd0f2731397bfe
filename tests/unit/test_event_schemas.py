"""Event schemas and versions: every event validates, old versions read as new, docs stay current."""
import datetime as dt
import pathlib
import types
from typing import Annotated

import pytest
from pydantic import Field

from server import events as ev
from server import ledger
from server.concept import Audience, Concept, EventData, EventType, FEED_ROLES
from server.concepts import REGISTRY, InvalidEvent, Registry
from server.eventdocs import render
from server.patrols.service import check_overdue
from server.snapshot import visible
from server.store import Commit, Store
from server.visibility import masked_name

ROOT = pathlib.Path(__file__).resolve().parents[2]
GUARD = {"username": "gus", "role": "guard"}


def test_docs_events_md_is_generated_from_the_registry():
    """docs/events.md says what the registry says (regenerate: python -m server.eventdocs)."""
    assert (ROOT / "docs" / "events.md").read_text(encoding="utf-8") == render()


def test_every_registered_type_has_a_model_a_version_and_an_audience():
    """No type without its schema: the wire contract is the registry."""
    assert REGISTRY.types, "the registry lists event types"
    for name, kind in REGISTRY.types.items():
        assert issubclass(kind.data, EventData) and kind.v >= 1 and kind.doc, name
        assert set(kind.upcasters) == set(range(1, kind.v)), f"{name}: one upcaster per old version"
        event = {"type": name, "actor": GUARD, "data": {}, "id": "1-0", "ts": ev.iso(ev.utc_now())}
        assert isinstance(kind.audience(event), Audience), name


def test_a_commit_refuses_data_that_breaks_its_schema(ctx):
    """A programming error (a wrong field) is refused before anything is written."""
    before = ctx.store.count_events()
    bad = ev.draft("patrol.checkin", actor=GUARD, data={"checkpoint_id": "E1", "status": "maybe"})
    with pytest.raises(InvalidEvent):
        ledger.record(ctx, [bad])
    unknown = ev.draft("patrol.teleported", actor=GUARD, data={})
    with pytest.raises(InvalidEvent):
        ledger.record(ctx, [unknown])
    assert ctx.store.count_events() == before


def test_every_event_a_busy_shift_writes_matches_its_schema(ctx, app, auth):
    """Check-ins, overdue marks, alerts, acknowledgements, phase and account events all validate."""
    auth.login("gus", "guard")
    auth.post("/api/v1/checkins", json={"checkpoint_id": "E1", "status": "issue", "note": "gate ajar"})
    check_overdue(ctx, ev.utc_now() + dt.timedelta(hours=2))
    auth.login("boss", "commander")
    alert = auth.client.get("/api/v1/alerts").get_json()["alerts"][0]["alert_id"]
    assert auth.post(f"/api/v1/alerts/{alert}/acknowledge").status_code == 200
    assert auth.post("/api/v1/phase", json={"phase": "in_session", "override_reason": "test arranged without inspections"}).status_code == 201
    seen = set()
    for event in ctx.store.scan_events():
        kind = REGISTRY.event_type(event["type"])
        assert kind is not None, event["type"]
        kind.data.model_validate(event["data"])
        assert event["v"] == kind.v
        seen.add(event["type"])
    assert {"patrol.checkin", "patrol.overdue", "alert.raised", "alert.acknowledged",
            "phase.changed", "user.created"} <= seen


class NoteV1(EventData):
    """demo.noted v1: a single free-text line."""

    text: str


class NoteV2(EventData):
    """demo.noted v2: the text split into a title and a body."""

    title: str
    body: str = Field("")


def _split(data):
    """Upcast v1 → v2: the first line becomes the title."""
    title, _, body = data["text"].partition("\n")
    return {"title": title, "body": body}


def test_a_v1_event_in_the_stream_reads_back_as_v2(redis_server):
    """History written under v1 is read as v2 through the type's upcaster, in every read path."""
    redis_server.client().flushall()
    v1 = Registry([Concept("demo", "demo", events=(EventType("demo.noted", NoteV1, "A note."),))])
    v2 = Registry([Concept("demo", "demo", events=(
        EventType("demo.noted", NoteV2, "A note.", v=2, upcasters={1: _split}),))])
    old = Store(redis_server.url, "demo-venue", reader=v1.upcast)
    event = ev.draft("demo.noted", actor=GUARD, data={"text": "Gate E3\nlock jammed"})
    v1.validate(event)
    [stored_id] = old.commit(Commit(events=[event], nonce="n")).ids
    assert old.events_after("0-0", 10)[0]["data"] == {"text": "Gate E3\nlock jammed"}

    new = Store(redis_server.url, "demo-venue", reader=v2.upcast,
                envelope=lambda e: ev.envelope(e, "demo-venue"))
    for read in (new.events_after("0-0", 10), list(new.scan_events()), new.events_by_ids([stored_id])):
        assert read[0]["v"] == 2
        assert read[0]["data"] == {"title": "Gate E3", "body": "lock jammed"}
        NoteV2.model_validate(read[0]["data"])
    assert ev.envelope(new.events_after("0-0", 10)[0], "demo-venue")["v"] == 2


class Visit(EventData):
    """demo.visit: the name declared masked for displays, on the model."""

    name: Annotated[str, masked_name(lambda name: name[0] + "*")]
    host: str


def test_audience_and_model_decide_what_each_viewer_gets():
    """Roles and named users receive an event; each field as its model declares for the viewer."""
    registry = Registry([Concept("demo", "demo", events=(EventType(
        "demo.visit", Visit, "A visit.",
        audience=lambda e: Audience(roles=FEED_ROLES, users=frozenset({e["data"]["host"]}))),))])
    ctx = types.SimpleNamespace(registry=registry, venue=types.SimpleNamespace(id="v"))
    event = {"id": "5-0", "type": "demo.visit", "ts": "2026-01-01T00:00:00.000Z", "actor": GUARD,
             "data": {"name": "张伟", "host": "g7"}}
    viewer = lambda role, name: types.SimpleNamespace(role=role, username=name)  # noqa: E731
    assert visible(ctx, [event], viewer("operator", "op"))[0]["data"]["name"] == "张伟"
    assert visible(ctx, [event], viewer("display", "wall"))[0]["data"]["name"] == "张*"
    assert visible(ctx, [event], viewer("guard", "g7"))[0]["data"]["name"] == "张伟"
    assert visible(ctx, [event], viewer("guard", "g8")) == []
