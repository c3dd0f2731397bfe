"""The generated OpenAPI document against the running app (schemathesis over WSGI).

Every operation is called with generated requests, valid and invalid, once as a guard and
once as an admin (bearer tokens made by the real account service on the test Redis). Each
answer must be no 5xx, a status the document declares for it, with the declared content type
and a body that matches the declared schema. The store is seeded first (check-ins, a phase
change, overdue alerts, a user to administer) and valid requests often name those real ids,
so the success answers are checked too, not only the 400s of random ids.

Operations are driven through schemathesis' Python API (one Hypothesis run per operation and
mode) rather than its pytest plugin, whose lazy fixture loading does not run on pytest 9.2;
a failure lists every failing operation at once.
"""
import datetime as dt
import os
import uuid
from types import SimpleNamespace

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from server import events as ev
from server.broadcasts import service as broadcasts
from server.incidents import service as incidents
from server.inspections import service as inspections
from server.patrols import service as patrols
from server.phase import service as phases

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation and mode: bounded, so both roles together take well under a minute.
# GATEWATCH_SCHEMA_EXAMPLES=200 digs deeper when hunting for a mismatch by hand.
EXAMPLES = int(os.environ.get("GATEWATCH_SCHEMA_EXAMPLES", "8"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
TARGET = "st-target"  # the user the admin operations act on


@pytest.fixture(params=("guard", "admin"))
def caller(request, ctx, auth, quick_hashes):
    """Bearer-token headers of a user of the role (created through the real services)."""
    username = f"st-{request.param}"
    auth.user(username, request.param)
    return {"Authorization": "Bearer " + ctx.accounts.create_token(username, "schemathesis")}


@pytest.fixture
def known(app, ctx, auth):
    """Seed the store through the real services; return the ids valid requests may name."""
    actor = {"username": "st-seed", "role": "commander"}
    auth.user(TARGET, "guard")
    patrols.record_checkin(ctx, actor={"username": TARGET, "role": "guard"}, checkpoint_id="E1",
                           status="issue", note="door propped open")
    phases.change_phase(ctx, actor=actor, phase="in_session", override_reason="seeded without inspections")
    since = ev.parse_iso(ctx.store.projection("meta")["phase"]["since"])
    patrols.check_overdue(ctx, since + dt.timedelta(minutes=31))
    alerts = [a["alert_id"] for a in app.test_client().get(
        "/api/v1/alerts", headers={"Authorization": "Bearer " + _token(ctx, auth, "st-seed-op", "operator")}
    ).get_json()["alerts"]]
    assert alerts, "seeding raised no alerts"
    venue = ctx.venue
    reported = [incidents.report_incident(ctx, actor={"username": TARGET, "role": "guard"}, category=c.id,
                                          location_id="E1", description="seen at the gate").body
                for c in venue.incident_categories[:3]]
    incident_ids = [r["incident"]["incident_id"] for r in reported]
    incidents.act(ctx, actor=actor, incident_id=incident_ids[0], action="acknowledge")
    lobby = [SimpleNamespace(item_id=i.id, ok=i.id != "doors", note="door sticks", photo_ids=[])
             for i in venue.find("checklists", "elevators").items]
    hazard_ids = [h["hazard_id"] for h in inspections.record_inspection(
        ctx, actor={"username": TARGET, "role": "guard"}, checklist_id="elevators", area_id="lobby",
        results=lobby).body["hazards"]]
    if not ctx.accounts.get_user("st-guard"):  # the guard caller's account, assigned and addressed
        auth.user("st-guard", "guard")
    incidents.act(ctx, actor=actor, incident_id=incident_ids[0], action="assign", assignee="st-guard")
    sent = [broadcasts.send_broadcast(ctx, actor=actor, text="gate E2 closes at six", **to).body
            for to in ({"to": "all"}, {"to": "username", "username": "st-guard"})]
    cursors = [e["id"] for e in ctx.store.scan_events()]
    recently = ev.iso(ev.utc_now() - dt.timedelta(minutes=3))
    return {
        "after": cursors, "before": cursors, "observed_at": [recently],
        "note": ["door propped open"], "password": ["a-long-enough-passphrase-7"],
        "checkpoint_id": [cp.id for cp in venue.checkpoints],
        "phase": list(venue.phase_ids()),
        "alert_id": alerts,
        "username": [TARGET],
        "location": sorted(venue.location_ids()),
        "location_id": sorted(venue.location_ids()),
        "category": [c.id for c in venue.incident_categories],
        "incident_id": incident_ids, "of": incident_ids, "assignee": [TARGET],
        "broadcast_id": [b["broadcast"]["broadcast_id"] for b in sent],
        "agency": [a.id for a in venue.agencies],
        "checklist_id": [c.id for c in venue.checklists], "area_id": ["lobby"], "area": ["lobby"],
        "hazard_id": hazard_ids, "item_id": [i.id for i in venue.find("checklists", "elevators").items],
        "type": ["patrol.checkin", "patrol.overdue", "alert.raised", "phase.changed", "incident.reported"],
    }


def _token(ctx, auth, username, role):
    """Return a bearer token of a new user."""
    auth.user(username, role)
    return ctx.accounts.create_token(username, "schemathesis")


def name_real_ids(case, known, data):
    """In a valid case, sometimes replace a generated id by one that exists."""
    for location in (case.path_parameters, case.query, case.body):
        if not isinstance(location, dict):
            continue
        for name in set(location) & set(known):
            if isinstance(location[name], str) and data.draw(st.booleans(), label=f"real {name}"):
                location[name] = data.draw(st.sampled_from(known[name]), label=name)


def exercise(operation, mode, caller, known, examples=EXAMPLES, checks=CHECKS):
    """Run generated cases of one operation in one mode; raise on the first failed check."""
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(SETTINGS, max_examples=examples)
    def run(case, data):
        # `/visitors/expected` is another operation, not a visitor called "expected": the document
        # excludes a sibling's fixed segment from a path parameter, and such a case tests nothing here.
        assume(not any(case.path_parameters.get(p["name"]) in p["schema"].get("not", {}).get("enum", ())
                       for p in operation.definition.raw.get("parameters", ()) if p.get("in") == "path"))
        headers = dict(caller)
        if mode is GenerationMode.POSITIVE and known:
            name_real_ids(case, known, data)
        if case.method == "POST" and not case.meta.is_negative_at(ParameterLocation.HEADER):
            headers["Idempotency-Key"] = uuid.uuid4().hex  # a fresh fact each time, not a reused key
        case.call_and_validate(headers=headers, checks=checks)
    run()


def check_every_operation(app, caller, known, modes=tuple(GenerationMode), examples=EXAMPLES, checks=CHECKS):
    """Exercise every operation of the app's document; fail listing every operation that failed."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in modes:
            try:
                exercise(operation, mode, caller, known, examples, checks)
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to get wrong in it
            except Exception as exc:  # noqa: BLE001 - every operation's failure is reported together
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)


def test_api_answers_as_documented(app, caller, known):
    check_every_operation(app, caller, known)


def test_api_answers_as_documented_while_the_store_is_away(app_without_redis):
    """The 503s (and /readyz's own answer) match the document too."""
    check_every_operation(app_without_redis, {"Authorization": "Bearer gw_unverifiable"}, None,
                          modes=(GenerationMode.POSITIVE,), examples=2,
                          checks=[c for c in CHECKS if c is not not_a_server_error])
