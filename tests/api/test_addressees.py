"""Nobody is sent what they can never answer, and a photo belongs to one record only.

A display account only shows the wall: a message to it is never read and a task given to it is
never accepted. A photo already attached to one record (an incident, an inspection, a hazard's
fix) is not attached to another.
"""
import io
import uuid

import pytest
from PIL import Image

pytestmark = pytest.mark.usefixtures("quick_hashes")
REPORT = {"category": "medical", "location_id": "E1", "description": "a visitor fainted at the gate"}
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def as_user(app, bearer):
    """Return a function posting as a named user of a role (bearer token), JSON or a photo upload."""
    def make(username, role):
        headers = bearer(username, role)
        client = app.test_client()

        def post(path, body=None, extra=None):
            return client.post(path, json=body if body is not None else {},
                               headers={**headers, **(extra or {}), "Idempotency-Key": uuid.uuid4().hex})

        def photo():
            out = io.BytesIO()
            Image.new("RGB", (64, 48), (20, 120, 40)).save(out, "JPEG")
            answer = client.post("/api/v1/photos", data={"file": (io.BytesIO(out.getvalue()), "p.jpg")},
                                 content_type="multipart/form-data",
                                 headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
            assert answer.status_code == 201, answer.get_json()
            return answer.get_json()["photo"]["photo_id"]
        post.photo = photo
        return post
    return make


@pytest.fixture
def crew(as_user):
    """A guard, an operator and a wall display."""
    return {"guard": as_user("ad-guard", "guard"), "operator": as_user("ad-op", "operator"),
            "display": as_user("ad-wall", "display")}


def refused(answer, field, status=400):
    """Assert the answer refuses naming `field`; return its error."""
    assert answer.status_code == status, answer.get_json()
    error = answer.get_json()["error"]
    assert field in error["fields"], error
    if status == 400:
        assert error["code"] == "invalid_input"
    return error


def inspection(ctx, photo_ids):
    """The lobby's fire equipment inspected: the first item failed, with the given photos."""
    items = [i.id for i in ctx.venue.find("checklists", "fire_equipment").items]
    results = [{"item_id": items[0], "ok": False, "note": "gauge in the red", "photo_ids": photo_ids},
               *({"item_id": item, "ok": True} for item in items[1:])]
    return {"checklist_id": "fire_equipment", "area_id": "lobby", "results": results}


def test_a_broadcast_to_a_display_account_is_400_on_username_in_both_languages(crew, timeline):
    op = crew["operator"]
    en = refused(op("/api/v1/broadcasts", {"text": "Gate E2 closes", "to": "username", "username": "ad-wall"}),
                 "username")
    assert "display" in en["fields"]["username"]
    zh = refused(op("/api/v1/broadcasts", {"text": "Gate E2 closes", "to": "username", "username": "ad-wall"},
                    ZH), "username")
    assert "大屏" in zh["fields"]["username"]
    refused(op("/api/v1/broadcasts", {"text": "Gate E2 closes", "to": "role", "role": "display"}), "role")
    assert timeline("broadcast.sent") == []


def test_a_hazard_is_not_assigned_to_a_display_account(ctx, crew):
    opened = crew["guard"]("/api/v1/inspections", inspection(ctx, []))
    assert opened.status_code == 201, opened.get_json()
    hazard_id = opened.get_json()["hazards"][0]["hazard_id"]
    answer = crew["operator"](f"/api/v1/hazards/{hazard_id}/assign", {"assignee": "ad-wall"})
    assert "display" in refused(answer, "assignee")["fields"]["assignee"]
    assert crew["operator"](f"/api/v1/hazards/{hazard_id}/assign", {"assignee": "ad-guard"}).status_code == 200


def test_an_incident_is_not_assigned_to_a_display_account(crew):
    incident_id = crew["guard"]("/api/v1/incidents", REPORT).get_json()["incident"]["incident_id"]
    path = f"/api/v1/incidents/{incident_id}/actions"
    assert crew["operator"](path, {"action": "acknowledge"}).status_code == 200
    refused(crew["operator"](path, {"action": "assign", "assignee": "ad-wall"}), "assignee")
    assert crew["operator"](path, {"action": "assign", "assignee": "ad-guard"}).status_code == 200


def test_an_inspection_refuses_a_photo_already_attached_to_an_incident(ctx, crew, timeline):
    guard = crew["guard"]
    photo_id = guard.photo()
    assert guard("/api/v1/incidents", {**REPORT, "photo_ids": [photo_id]}).status_code == 201
    answer = guard("/api/v1/inspections", inspection(ctx, [photo_id]))
    assert photo_id in refused(answer, "results.0.photo_ids", status=409)["fields"]["results.0.photo_ids"]
    assert timeline("inspection.recorded") == [] and timeline("hazard.opened") == []


def test_an_incident_refuses_a_photo_already_attached_to_an_inspection(ctx, crew):
    guard = crew["guard"]
    photo_id = guard.photo()
    assert guard("/api/v1/inspections", inspection(ctx, [photo_id])).status_code == 201
    refused(guard("/api/v1/incidents", {**REPORT, "photo_ids": [photo_id]}), "photo_ids", status=409)


def test_a_hazards_fix_refuses_a_photo_already_attached_to_an_incident(ctx, crew):
    guard, op = crew["guard"], crew["operator"]
    hazard_id = guard("/api/v1/inspections", inspection(ctx, [])).get_json()["hazards"][0]["hazard_id"]
    photo_id = guard.photo()
    assert guard("/api/v1/incidents", {**REPORT, "photo_ids": [photo_id]}).status_code == 201
    refused(op(f"/api/v1/hazards/{hazard_id}/rectify", {"note": "refilled", "photo_ids": [photo_id]}),
            "photo_ids", status=409)
    fresh = guard.photo()
    fixed = op(f"/api/v1/hazards/{hazard_id}/rectify", {"note": "refilled", "photo_ids": [fresh]})
    assert fixed.status_code == 200, fixed.get_json()
