"""Incidents over HTTP: parse, authorise, call the service, answer."""
from flask import Blueprint

from server import events as ev
from server.api.common import answered, gw
from server.api.shaping import reply, viewer_of
from server.api.spec import operation
from server.auth import authorize
from server.incidents import fold, lifecycle as lc, photos, service
from server.incidents.models import (ActionAnswer, ActionRequest, IncidentAnswer, IncidentsAnswer,
                                     IncidentsQuery, PhotosAnswer, ReportAnswer, ReportRequest)
from server.photos.models import UPLOAD_FORM, AttachRequest
from server.photos.views import uploaded_file

bp = Blueprint("incidents", __name__, url_prefix="/api/v1")


@bp.post("/incidents")
@operation("incidents.report", tag="incidents", body=ReportRequest, answer=ReportAnswer, status=201,
           creating=True)
def report(user, body, idem):
    """Report an incident (severity defaults to the category's)."""
    return answered(service.report_incident(gw(), actor=user.actor(), idem=idem, category=body.category,
                                            severity=body.severity, location_id=body.location_id,
                                            description=body.description, observed_at=body.observed_at,
                                            photo_ids=body.photo_ids))


@bp.post("/incidents/<incident_id>/actions")
@operation("incidents.note", tag="incidents", body=ActionRequest, answer=ActionAnswer, creating=True,
           errors=(404, 409))
def act(user, incident_id, body, idem):
    """Take one step of an incident's lifecycle (409 names the current state).

    Guards add notes; operators acknowledge, assign, escalate, notify agencies, tick SOP
    steps and resolve; commanders also close, reopen and mark duplicates.
    """
    authorize(lc.PERMISSION[body.action])
    return answered(service.act(gw(), actor=user.actor(), incident_id=incident_id, idem=idem,
                                **body.model_dump()))


@bp.get("/incidents")
@operation("incidents.read", tag="incidents", query=IncidentsQuery, answer=IncidentsAnswer)
def list_incidents(user, query):
    """Return incidents, most severe first, then oldest first."""
    rows = service.matching(gw().store.projection(fold.NAME), **query.model_dump())
    viewer = viewer_of(user)
    return reply({"incidents": [row for row in rows if service.readable(row, viewer)]})


@bp.get("/incidents/<incident_id>")
@operation("incidents.read", tag="incidents", answer=IncidentAnswer, errors=(404,))
def show(user, incident_id):
    """Return one incident with its whole history (its events, oldest first); a guard: only their own."""
    ctx = gw()
    entry = service.incident(ctx, incident_id, viewer_of(user))
    events = [ctx.registry.upcast(e) for e in ctx.store.events_by_ids(entry["history"])]
    return reply({"incident": entry, "events": [ev.envelope(e, ctx.venue.id) for e in events]})


@bp.post("/incidents/<incident_id>/photos")
@operation("incidents.note", tag="incidents", body=AttachRequest, form=UPLOAD_FORM, answer=PhotosAnswer,
           status=201, creating=True, errors=(404, 409))
def add_photos(user, incident_id, body, idem):
    """Attach photos: one multipart `file`, or `{photo_ids}` uploaded before (at most 5 in all).

    A closed incident, or a sixth photo → 409. The upload is checked as POST /api/v1/photos.
    """
    upload = uploaded_file() if body is None else None
    return answered(photos.add_photos(gw(), actor=user.actor(), incident_id=incident_id, idem=idem,
                                      photo_ids=body.photo_ids if body else (), upload=upload))
