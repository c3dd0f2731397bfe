"""The OpenAPI document is valid OpenAPI 3.1 and says what the API really answers.

openapi-spec-validator checks the document itself (unique operationIds, resolvable refs, …);
the other tests cover what a validator cannot see: a component standing in for another class
of the same name, 410s and extra 409 fields left undocumented, a 200 with no content.
"""
import ast
import datetime as dt
import pathlib

import pytest
from openapi_spec_validator import validate
from pydantic import create_model

from server import events as ev
from server.api.openapi import ERROR_SCHEMA, Schemas
from unit_ids import ID

pytestmark = pytest.mark.usefixtures("quick_hashes")
SERVER = pathlib.Path(__file__).resolve().parents[2] / "server"
VISITOR = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
           "purpose": "会议", "entrance_id": "E1"}


@pytest.fixture
def doc(client):
    """The document as served."""
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()


def ref_of(doc, path, method="post", status="200"):
    """Return the component name an operation's answer refers to."""
    schema = doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return schema["$ref"].rsplit("/", 1)[1]


def refs_within(doc, name, seen=None):
    """Return every component name a component refers to, directly or not."""
    seen = set() if seen is None else seen
    text = repr(doc["components"]["schemas"][name])
    for found in set(part.split("'")[0] for part in text.split("#/components/schemas/")[1:]):
        if found not in seen:
            seen.add(found)
            refs_within(doc, found, seen)
    return seen


def test_the_document_passes_openapi_spec_validator(doc):
    validate(doc)  # raises with the first problem found


def test_every_operation_id_is_unique(doc):
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_the_incident_action_answer_refers_to_the_incidents_own_acknowledged_data(doc):
    incident = refs_within(doc, ref_of(doc, "/api/v1/incidents/{incident_id}/actions"))
    alert = refs_within(doc, ref_of(doc, "/api/v1/alerts/{alert_id}/acknowledge"))
    assert "incidents.AcknowledgedData" in incident and "alerts.AcknowledgedData" not in incident
    assert "alerts.AcknowledgedData" in alert
    assert doc["components"]["schemas"]["incidents.AcknowledgedData"]["description"].startswith(
        "incident.acknowledged")


def test_two_classes_of_one_name_are_a_build_error_not_a_silent_pick():
    first = create_model("AcknowledgedData", __module__="server.alerts.models", alert_id=(str, ...))
    second = create_model("AcknowledgedData", __module__="server.alerts.models", incident_id=(str, ...))
    schemas = Schemas()
    schemas.ref(first, "serialization")
    schemas.ref(first, "serialization")  # the same class again is fine
    with pytest.raises(ValueError, match="alerts.AcknowledgedData"):
        schemas.ref(second, "serialization")
    nested = create_model("Answer", __module__="server.other.models", data=(second, ...))
    with pytest.raises(ValueError, match="alerts.AcknowledgedData"):
        schemas.ref(nested, "serialization")


def test_the_documents_own_answer_declares_its_content(doc):
    ok = doc["paths"]["/api/v1/openapi.json"]["get"]["responses"]["200"]
    schema = ok["content"]["application/json"]["schema"]
    assert set(doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]["required"]) >= {"openapi", "paths"}


def current_keys():
    """Return every key a domain error puts beside `error` (`current={...}` at its raise site)."""
    keys = set()
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "current" and isinstance(node.value, ast.Dict):
                keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
    return keys


def test_every_field_an_error_carries_beside_error_is_described():
    keys = current_keys()
    assert {"missing", "visitor", "status"} <= keys  # the scan finds the raise sites
    assert keys - set(ERROR_SCHEMA["properties"]) == set()
    assert all(p.get("description") for k, p in ERROR_SCHEMA["properties"].items() if k != "error")


def test_a_replay_after_the_purge_answers_410_as_documented(login_as, runner, doc):
    guard = login_as("gate1", "guard")
    registered = guard.post("/api/v1/visitors", json=VISITOR, key="reg-1")
    assert registered.status_code == 201, registered.get_json()
    checkout = f"/api/v1/visitors/{registered.get_json()['visitor']['visitor_id']}/checkout"
    assert guard.post(checkout, json={"entrance_id": "E2"}, key="out-1").status_code == 200
    status, _, err = runner("purge", "--before", ev.iso(ev.utc_now() + dt.timedelta(minutes=1)))
    assert status == 0, err
    assert guard.post("/api/v1/visitors", json=VISITOR, key="reg-1").status_code == 410
    assert guard.post(checkout, json={"entrance_id": "E2"}, key="out-1").status_code == 410
    assert "410" in doc["paths"]["/api/v1/visitors"]["post"]["responses"]
    assert "410" in doc["paths"]["/api/v1/visitors/{visitor_id}/checkout"]["post"]["responses"]
