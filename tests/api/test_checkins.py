"""Patrol check-ins: the envelope, /patrols, observed_at, validation and Idempotency-Key."""
import datetime as dt
import re
import uuid

import pytest

from server import events as ev

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
STREAM_ID = re.compile(r"^\d+-\d+$")
URL = "/api/v1/checkins"
pytestmark = pytest.mark.usefixtures("quick_hashes")


def patrol(client, checkpoint_id):
    """Return the /patrols row of one checkpoint."""
    answer = client.get("/api/v1/patrols")
    assert answer.status_code == 200
    return next(r for r in answer.get_json()["patrols"] if r["checkpoint_id"] == checkpoint_id)


def minutes_between(later, earlier):
    """Return minutes between two ISO times."""
    return (ev.parse_iso(later) - ev.parse_iso(earlier)).total_seconds() / 60


def test_checkin_answers_201_with_the_event_envelope(auth):
    auth.login("guard1", "guard")
    before = ev.utc_now()
    answer = auth.post(URL, json={"checkpoint_id": "C2", "status": "issue", "note": "  door ajar  "})
    assert answer.status_code == 201, answer.get_json()
    event = answer.get_json()["event"]
    assert STREAM_ID.match(event["id"])
    assert event["type"] == "patrol.checkin"
    assert event["actor"] == {"username": "guard1", "role": "guard"}
    assert event["venue"] == "default"
    assert ISO_Z.match(event["ts"])
    assert before - dt.timedelta(seconds=1) <= ev.parse_iso(event["ts"]) <= ev.utc_now()
    assert event["data"] == {"checkpoint_id": "C2", "status": "issue", "note": "door ajar", "method": "manual"}
    assert "observed_at" not in event and "_locations" not in event


def test_patrols_reflect_the_checkin(auth, client, login_as):
    auth.login("guard1", "guard")
    event = auth.post(URL, json={"checkpoint_id": "E1", "status": "clear"}).get_json()["event"]
    row = patrol(client, "E1")
    assert row["last_guard"] == "guard1"
    assert row["last_checkin_at"] == event["ts"]
    assert row["last_status"] == "clear"
    assert row["interval_min"] == 30  # E1 in pre_event
    assert minutes_between(row["due_at"], row["last_checkin_at"]) == 30
    assert row["overdue"] is False
    commander = login_as("chief", "commander")
    assert commander.post("/api/v1/phase", json={"phase": "in_session", "override_reason": "test arranged without inspections"}).status_code == 201
    row = patrol(client, "E1")
    assert row["interval_min"] == 15  # the current phase's interval
    assert minutes_between(row["due_at"], event["ts"]) == 15
    assert patrol(client, "E2")["last_checkin_at"] is None


def test_observed_at_is_honoured_and_normalised(auth, client):
    auth.login("guard1", "guard")
    seen = (ev.utc_now() - dt.timedelta(minutes=40)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    answer = auth.post(URL, json={"checkpoint_id": "C9", "status": "clear",
                                  "observed_at": seen.isoformat()})
    assert answer.status_code == 201, answer.get_json()
    event = answer.get_json()["event"]
    assert ISO_Z.match(event["observed_at"])
    assert ev.parse_iso(event["observed_at"]) == seen.replace(microsecond=seen.microsecond // 1000 * 1000)
    row = patrol(client, "C9")
    assert row["last_checkin_at"] == event["observed_at"]
    assert minutes_between(row["due_at"], event["observed_at"]) == 60
    assert row["overdue"] is False


@pytest.mark.parametrize("observed_at", [
    "2025-01-01T10:00:00",  # no zone
    "yesterday", "", "2025-13-40T10:00:00Z",
    "FUTURE", "OLD"], ids=["no-zone", "words", "empty", "impossible-date", "future", "over-7-days"])
def test_bad_observed_at_is_400(auth, observed_at, timeline):
    auth.login("guard1", "guard")
    now = ev.utc_now()
    observed_at = {"FUTURE": ev.iso(now + dt.timedelta(hours=1)),
                   "OLD": ev.iso(now - dt.timedelta(days=7, minutes=5))}.get(observed_at, observed_at)
    answer = auth.post(URL, json={"checkpoint_id": "E1", "status": "clear", "observed_at": observed_at})
    assert answer.status_code == 400
    assert "observed_at" in answer.get_json()["error"]["fields"]
    assert timeline("patrol.checkin") == []


def test_observed_at_six_days_ago_is_accepted(auth):
    auth.login("guard1", "guard")
    observed = ev.iso(ev.utc_now() - dt.timedelta(days=6))
    answer = auth.post(URL, json={"checkpoint_id": "E1", "status": "clear", "observed_at": observed})
    assert answer.status_code == 201 and answer.get_json()["event"]["observed_at"] == observed


def test_a_late_outbox_checkin_does_not_move_the_last_checkin_back(auth, login_as, client):
    auth.login("guard1", "guard")
    fresh = auth.post(URL, json={"checkpoint_id": "E1", "status": "clear"}).get_json()["event"]
    # a second phone comes back online and replays a check-in it made two hours ago
    late = login_as("guard2", "guard")
    old = ev.iso(ev.utc_now() - dt.timedelta(hours=2))
    assert late.post(URL, json={"checkpoint_id": "E1", "status": "clear", "observed_at": old}).status_code == 201
    row = patrol(client, "E1")
    assert row["last_checkin_at"] == fresh["ts"]
    assert row["last_guard"] == "guard1"
    assert row["overdue"] is False  # the gate was patrolled minutes ago


def test_unknown_checkpoint_bad_status_and_issue_without_note(auth):
    auth.login("guard1", "guard")
    cases = [({"checkpoint_id": "Z9", "status": "clear"}, "checkpoint_id"),
             ({"checkpoint_id": "main_hall", "status": "clear"}, "checkpoint_id"),  # a zone, not a checkpoint
             ({"checkpoint_id": "E1", "status": "fine"}, "status"),
             ({"checkpoint_id": "E1"}, "status"),
             ({"checkpoint_id": "E1", "status": "issue"}, "note"),
             ({"checkpoint_id": "E1", "status": "issue", "note": "   "}, "note")]
    for body, field in cases:
        answer = auth.post(URL, json=body)
        assert answer.status_code == 400, body
        error = answer.get_json()["error"]
        assert field in error["fields"] and error["message"], body


HUGE = "x" * 100_000
MALFORMED = {
    "not-json": ("hello", "text/plain"),
    "not-json-claimed-json": ("hello", "application/json"),
    "truncated-json": ('{"checkpoint_id": "E1", ', "application/json"),
    "invalid-utf8": (b'{"checkpoint_id": "\xff\xfe"}', "application/json"),
    "array": ('[{"checkpoint_id": "E1", "status": "clear"}]', "application/json"),
    "string": ('"E1"', "application/json"),
    "number": ("42", "application/json"),
    "null": ("null", "application/json"),
    "empty-object": ("{}", "application/json"),
    "deeply-nested": ("[" * 50_000 + "]" * 50_000, "application/json"),
    "deeply-nested-field": ('{"checkpoint_id": ' + "[" * 50_000 + "]" * 50_000 + "}", "application/json"),
}
BAD_FIELDS = {
    "checkpoint-number": {"checkpoint_id": 5, "status": "clear"},
    "checkpoint-null": {"checkpoint_id": None, "status": "clear"},
    "checkpoint-object": {"checkpoint_id": {"id": "E1"}, "status": "clear"},
    "checkpoint-list": {"checkpoint_id": ["E1"], "status": "clear"},
    "checkpoint-huge": {"checkpoint_id": HUGE, "status": "clear"},
    "status-number": {"checkpoint_id": "E1", "status": 1},
    "status-null": {"checkpoint_id": "E1", "status": None},
    "status-list": {"checkpoint_id": "E1", "status": ["clear"]},
    "status-object": {"checkpoint_id": "E1", "status": {"clear": True}},
    "note-number": {"checkpoint_id": "E1", "status": "issue", "note": 7},
    "note-object": {"checkpoint_id": "E1", "status": "clear", "note": {"text": "x"}},
    "note-list": {"checkpoint_id": "E1", "status": "clear", "note": ["x"]},
    "note-huge": {"checkpoint_id": "E1", "status": "issue", "note": HUGE},
    "observed-number": {"checkpoint_id": "E1", "status": "clear", "observed_at": 1700000000},
    "observed-object": {"checkpoint_id": "E1", "status": "clear", "observed_at": {"t": 1}},
    "observed-year-1": {"checkpoint_id": "E1", "status": "clear", "observed_at": "0001-01-01T00:00:00+01:00"},
    "observed-year-9999": {"checkpoint_id": "E1", "status": "clear", "observed_at": "9999-12-31T23:59:59-01:00"},
}


@pytest.fixture
def guard_no_propagation(app, auth):
    """Sign a guard in and let the app answer 500 instead of raising, so tests see the status."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login("guard1", "guard")
    return auth


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_bodies_are_4xx_with_fields(name, guard_no_propagation, client, timeline):
    data, content_type = MALFORMED[name]
    answer = client.post(URL, data=data, content_type=content_type,
                         headers={"X-CSRF-Token": guard_no_propagation.csrf, "Idempotency-Key": uuid.uuid4().hex})
    assert 400 <= answer.status_code < 500, (name, answer.status_code)
    assert answer.is_json and answer.get_json()["error"]["fields"], name
    assert timeline("patrol.checkin") == []


@pytest.mark.parametrize("name", sorted(BAD_FIELDS))
def test_wrong_field_types_are_4xx_with_fields(name, guard_no_propagation, timeline):
    answer = guard_no_propagation.post(URL, json=BAD_FIELDS[name])
    assert 400 <= answer.status_code < 500, (name, answer.status_code)
    assert answer.get_json()["error"]["fields"], name
    assert timeline("patrol.checkin") == []


def test_a_body_over_the_size_limit_is_413_in_the_error_format(guard_no_propagation):
    answer = guard_no_propagation.post(URL, data=b"x" * (17 * 1024 * 1024), content_type="application/json")
    assert answer.status_code == 413
    assert answer.is_json and answer.get_json()["error"]["code"] == "too_large"
    assert "16 MB" in answer.get_json()["error"]["fields"]["body"]


def test_user_text_is_recorded_verbatim(auth, timeline):
    auth.login("guard1", "guard")
    note = "seal reads @@EVENT_ID@@ / @@EVENT_ID:0@@"
    answer = auth.post(URL, json={"checkpoint_id": "E1", "status": "issue", "note": note})
    assert answer.status_code == 201
    assert answer.get_json()["event"]["data"]["note"] == note
    assert timeline("patrol.checkin")[0]["data"]["note"] == note


def test_missing_idempotency_key_is_400(auth, client, timeline):
    auth.login("guard1", "guard")
    answer = client.post(URL, json={"checkpoint_id": "E1", "status": "clear"},
                         headers={"X-CSRF-Token": auth.csrf})
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.get_json()["error"]["fields"]
    assert timeline("patrol.checkin") == []


@pytest.mark.parametrize("key", ["", "has space", "x" * 129, "semi;colon", "slash/key", "ключ"])
def test_invalid_idempotency_key_is_400(auth, key, timeline):
    auth.login("guard1", "guard")
    answer = auth.post(URL, json={"checkpoint_id": "E1", "status": "clear"}, key=key or None,
                       headers={"Idempotency-Key": key})
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.get_json()["error"]["fields"]
    assert timeline("patrol.checkin") == []


def test_longest_valid_idempotency_key_is_accepted(auth):
    auth.login("guard1", "guard")
    key = "Aa0-_.:" * 18 + "x" * 2  # 128 characters of every allowed kind
    assert auth.post(URL, json={"checkpoint_id": "E1", "status": "clear"}, key=key).status_code == 201


def test_same_key_same_body_replays_the_original_answer(auth, client, timeline):
    auth.login("guard1", "guard")
    body = {"checkpoint_id": "E3", "status": "issue", "note": "gate chain cut"}
    first = auth.post(URL, json=body, key="outbox-item-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    # the phone retries, re-serialising the same body with another key order and spacing
    again = client.post(URL, data='{ "note": "gate chain cut", "status": "issue",  "checkpoint_id": "E3" }',
                        content_type="application/json",
                        headers={"X-CSRF-Token": auth.csrf, "Idempotency-Key": "outbox-item-1"})
    for replay in (auth.post(URL, json=body, key="outbox-item-1"), again):
        assert replay.status_code == 201
        assert replay.headers.get("Idempotent-Replayed") == "true"
        assert replay.get_data() == first.get_data()
    assert [e["id"] for e in timeline("patrol.checkin")] == [first.get_json()["event"]["id"]]


def test_same_key_different_body_is_422(auth, timeline):
    auth.login("guard1", "guard")
    assert auth.post(URL, json={"checkpoint_id": "E1", "status": "clear"}, key="k-1").status_code == 201
    answer = auth.post(URL, json={"checkpoint_id": "E2", "status": "clear"}, key="k-1")
    assert answer.status_code == 422
    assert "Idempotency-Key" in answer.get_json()["error"]["fields"]
    assert len(timeline("patrol.checkin")) == 1


def test_idempotency_keys_are_scoped_per_user(auth, login_as, timeline):
    auth.login("guard1", "guard")
    other = login_as("guard2", "guard")
    body = {"checkpoint_id": "E1", "status": "clear"}
    one = auth.post(URL, json=body, key="shared-key")
    two = other.post(URL, json=body, key="shared-key")
    assert one.status_code == two.status_code == 201
    assert "Idempotent-Replayed" not in two.headers
    assert two.get_json()["event"]["actor"]["username"] == "guard2"
    assert one.get_json()["event"]["id"] != two.get_json()["event"]["id"]
    assert len(timeline("patrol.checkin")) == 2
    assert other.post(URL, json={"checkpoint_id": "E2", "status": "clear"}, key="shared-key").status_code == 422


def test_a_rejected_request_does_not_burn_its_key(auth):
    auth.login("guard1", "guard")
    assert auth.post(URL, json={"checkpoint_id": "nope", "status": "clear"}, key="retry-me").status_code == 400
    assert auth.post(URL, json={"checkpoint_id": "E1", "status": "clear"}, key="retry-me").status_code == 201


def test_a_fast_phone_clock_is_clamped_to_the_server_time(auth, app):
    """observed_at up to 5 minutes ahead is stored as the server's time: no gate looks visited in the future."""
    auth.login("guard1", "guard")
    before = ev.parse_iso(ev.iso(ev.utc_now()))  # stored times keep milliseconds: compare at that grain
    ahead = ev.iso(before + dt.timedelta(minutes=4))
    answer = auth.post(URL, json={"checkpoint_id": "E2", "status": "clear", "observed_at": ahead})
    assert answer.status_code == 201
    stored = ev.parse_iso(answer.get_json()["event"]["observed_at"])
    assert before <= stored <= ev.utc_now()
    row = next(r for r in auth.client.get("/api/v1/patrols").get_json()["patrols"] if r["checkpoint_id"] == "E2")
    assert ev.parse_iso(row["last_checkin_at"]) <= ev.utc_now()


def test_the_idempotency_record_keeps_a_keyed_fingerprint_only(auth, ctx):
    """A body may carry personal data: what is kept for days cannot be recomputed without the app's key."""
    import hashlib
    import json as _json
    auth.login("guard1", "guard")
    body = {"checkpoint_id": "E1", "status": "issue", "note": "gate E1 ajar"}
    assert auth.post(URL, json=body, key="fp-1").status_code == 201
    kept = ctx.store.redis.hget(ctx.store.keys.idempotency("guard1", "fp-1"), "h")
    canonical = _json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    assert kept and kept != hashlib.sha256(b"POST " + URL.encode() + b"\n" + canonical).hexdigest()[:32]
    assert auth.post(URL, json=body, key="fp-1").headers.get("Idempotent-Replayed") == "true"
