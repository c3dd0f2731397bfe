"""The desk's incident record: which actions each role is offered, and where photos come from."""
import pytest

from server.web.incidents import allowed_actions, photo_ids


@pytest.mark.parametrize(("role", "status", "expected"), [
    ("guard", "reported", ["note"]),
    ("operator", "reported", ["acknowledge", "note", "escalate"]),
    ("operator", "acknowledged", ["assign", "sop_step", "notify_agency", "note", "resolve", "escalate"]),
    ("operator", "resolved", []),
    ("commander", "reported", ["acknowledge", "note", "escalate", "mark_duplicate"]),
    ("commander", "resolved", ["close", "reopen"]),
    ("commander", "closed", ["reopen"]),
    ("admin", "resolved", ["close", "reopen"]),
    ("display", "reported", []),
])
def test_each_role_is_offered_exactly_its_actions(role, status, expected):
    assert allowed_actions(role, status) == expected


def test_photos_come_from_a_report_and_from_photo_events():
    assert photo_ids({"photo_ids": ["a", "b"]}) == ["a", "b"]
    assert photo_ids({"photo_id": "c"}) == ["c"]
    assert photo_ids({"incident_id": "x"}) == []
