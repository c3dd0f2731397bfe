"""The shared fold vectors, on the server side: the real folds give each vector's expected screen.

static/js/fold.js must give the same answers (tests/browser/test_fold_vectors.py); the vectors
and their format are described in tests/fixtures/fold_vectors/README.md.
"""
import copy

import pytest

from screen_state import (PATROL_KEYS, SCREEN_KEYS, as_expected, at_snapshot, load_vectors, screen, screen_state,
                          venue_named)
from server import events as ev
from server.api.models import State
from server.concepts import REGISTRY
from server.wire import Envelope

VECTORS = load_vectors()
# What Issue 5 asks the vectors to cover, by file: keep at least one vector for each.
REQUIRED = ("01_checkin", "02_late_outbox_checkin", "03_overdue_then_checkin", "04_alert_raised_then_acknowledged",
            "05_acknowledge_unknown_alert", "06_phase_change", "08_events_at_or_before_cursor",
            "09_account_events", "10_guard_goes_inactive")


def by_file(vector):
    return vector["file"]


def test_the_required_cases_have_vectors():
    files = [v["file"] for v in VECTORS]
    assert len(files) >= 8
    for prefix in REQUIRED:
        assert any(f.startswith(prefix) for f in files), prefix


@pytest.mark.parametrize("vector", VECTORS, ids=by_file)
def test_vector_is_well_formed(vector):
    """Snapshot, envelopes and expectations have the shapes the server and the screen use."""
    assert set(vector) >= {"name", "now", "venue", "snapshot", "events", "expected"}
    venue = venue_named(vector["venue"])
    snapshot = vector["snapshot"]
    State.model_validate(snapshot)  # as GET /api/v1/state answers
    assert [r["checkpoint_id"] for r in snapshot["patrols"]] == [cp.id for cp in venue.checkpoints]
    cursor = ev.id_key(snapshot["cursor"])
    assert all(ev.id_key(e["id"]) <= cursor for e in snapshot["recent_events"] + snapshot["checkins_last_hour"])
    assert ev.parse_iso(vector["now"]) >= ev.parse_iso(snapshot["server_time"])
    for envelope in vector["events"]:
        Envelope.model_validate(envelope)
        drafted = copy.deepcopy(envelope)
        REGISTRY.validate(drafted)  # a registered type whose data matches its model, current version
        assert drafted["v"] == envelope["v"]
        # A stream id is the commit time: shortly after the event's ts, and never before.
        assert 0 <= ev.id_ms(envelope["id"]) - int(ev.parse_iso(envelope["ts"]).timestamp() * 1000) < 1000
        if envelope.get("observed_at"):
            assert envelope["observed_at"] <= envelope["ts"]  # the server clamps it to its own time
    expected = vector["expected"]
    assert set(expected) == set(SCREEN_KEYS)
    assert expected["patrols"], "name the checkpoints the vector is about"
    for cp, row in expected["patrols"].items():
        assert venue.checkpoint(cp) and set(row) == set(PATROL_KEYS), cp


@pytest.mark.parametrize("vector", VECTORS, ids=by_file)
def test_snapshot_is_one_the_server_gives(vector):
    """The snapshot's sections are what the server computes from the projections it shows."""
    snapshot = vector["snapshot"]
    again = at_snapshot(vector)
    for key in ("cursor", "phase", "phase_since", "patrols", "alerts", "guards_active", "checkins_last_hour"):
        assert again[key] == snapshot[key], key


@pytest.mark.parametrize("vector", VECTORS, ids=by_file)
def test_server_folds_give_the_expected_screen(vector):
    assert as_expected(screen_state(vector), vector["expected"]) == vector["expected"]


def test_events_at_or_before_the_cursor_change_nothing():
    """Re-sending the snapshot's own events leaves the screen as the snapshot shows it."""
    vector = dict(VECTORS[0], events=list(VECTORS[0]["snapshot"]["recent_events"]))
    vector["now"] = vector["snapshot"]["server_time"]
    assert screen_state(vector) == screen(at_snapshot(vector))
