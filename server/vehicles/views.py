"""Vehicles over HTTP: parse, authorise, call the service, answer."""
from flask import Blueprint

from server.api.common import answered, gw
from server.api.shaping import reply
from server.api.spec import operation
from server.vehicles import service
from server.vehicles.models import LoggedAnswer, VehicleRequest, VehiclesAnswer, VehiclesQuery

bp = Blueprint("vehicles", __name__, url_prefix="/api/v1")


@bp.post("/vehicles")
@operation("vehicles.log", tag="vehicles", body=VehicleRequest, answer=LoggedAnswer, status=201,
           creating=True, errors=(409,))
def log(user, body, idem):
    """Log a vehicle in or out through a gate (in twice or out twice answers 409)."""
    return answered(service.log_vehicle(gw(), actor=user.actor(), idem=idem, **dict(body)))


@bp.get("/vehicles")
@operation("vehicles.read", tag="vehicles", query=VehiclesQuery, answer=VehiclesAnswer)
def list_vehicles(user, query):
    """List vehicles, latest entry first, with the counts on site per entrance and in total."""
    return reply(service.list_vehicles(gw(), on_site=query.on_site, entrance=query.entrance))
