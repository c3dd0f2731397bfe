"""Inspections, hazards and readiness over HTTP: parse, authorise, call the service, answer."""
from flask import Blueprint

from server.api.common import answered, gw
from server.api.shaping import reply, viewer_of
from server.api.spec import operation
from server.inspections import readiness, service
from server.inspections.models import (AssignRequest, Board, HazardAnswer, HazardsAnswer, HazardsQuery,
                                       InspectionAnswer, InspectionRequest, InspectionsAnswer, InspectionsQuery,
                                       RectifyRequest)

bp = Blueprint("inspections", __name__, url_prefix="/api/v1")


@bp.post("/inspections")
@operation("inspections.record", tag="inspections", body=InspectionRequest, answer=InspectionAnswer,
           status=201, creating=True)
def record(user, body, idem):
    """Record one checklist walked in one area (each failed item opens a hazard)."""
    return answered(service.record_inspection(gw(), actor=user.actor(), idem=idem, checklist_id=body.checklist_id,
                                              area_id=body.area_id, results=body.results))


@bp.get("/inspections")
@operation("inspections.read", tag="inspections", query=InspectionsQuery, answer=InspectionsAnswer)
def list_inspections(user, query):
    """Return a day's inspections (venue-local; default today), newest first; a guard: their own."""
    rows = service.inspections_of(gw(), date=query.date, area=query.area)
    viewer = viewer_of(user)
    return reply({"inspections": [row for row in rows if service.readable_inspection(row, viewer)]})


@bp.get("/hazards")
@operation("hazards.read", tag="inspections", query=HazardsQuery, answer=HazardsAnswer)
def list_hazards(user, query):
    """Return hazards: open and critical first, then oldest first; a guard: assigned to or opened by them."""
    rows = service.matching(gw().store.projection(service.HAZARDS), **query.model_dump())
    viewer = viewer_of(user)
    return reply({"hazards": [row for row in rows if service.readable_hazard(row, viewer)]})


@bp.post("/hazards/<hazard_id>/assign")
@operation("hazards.run", tag="inspections", body=AssignRequest, answer=HazardAnswer, creating=True,
           errors=(404, 409))
def assign(user, hazard_id, body, idem):
    """Send someone to fix an open hazard (operators and up)."""
    return answered(service.assign_hazard(gw(), actor=user.actor(), hazard_id=hazard_id, idem=idem,
                                          assignee=body.assignee))


@bp.post("/hazards/<hazard_id>/rectify")
@operation("hazards.run", tag="inspections", body=RectifyRequest, answer=HazardAnswer, creating=True,
           errors=(404, 409))
def rectify(user, hazard_id, body, idem):
    """Close an open hazard (operators and up; a second rectification answers 409)."""
    return answered(service.rectify_hazard(gw(), actor=user.actor(), hazard_id=hazard_id, idem=idem,
                                           note=body.note, photo_ids=body.photo_ids))


@bp.get("/readiness")
@operation("readiness.read", tag="inspections", answer=Board)
def board(user):
    """Return today's readiness board, whether the venue is ready and what is missing."""
    return reply(readiness.current(gw()))
