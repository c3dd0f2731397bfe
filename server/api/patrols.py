"""Venue, check-ins, patrols, alerts, phase, state snapshot and the timeline."""
from flask import Blueprint, jsonify, request

from server import alerts, events as ev, patrols, phase, snapshot
from server.api.common import answered, body, gw, idempotency
from server.auth import require
from server.errors import InvalidInput, check
from server.store import timeline

bp = Blueprint("api_patrols", __name__, url_prefix="/api/v1")


@bp.get("/venue")
@require("venue.read")
def venue(user):
    """Return the venue configuration."""
    return jsonify(gw().venue.to_public())


@bp.post("/checkins")
@require("checkin.create")
def create_checkin(user):
    """Record a patrol check-in."""
    idem = idempotency(user)
    data = body()
    return answered(patrols.record_checkin(
        gw(), actor=user.actor(), idem=idem, checkpoint_id=data.get("checkpoint_id"),
        status=data.get("status"), note=data.get("note"), observed_at=data.get("observed_at")))


@bp.get("/patrols")
@require("patrols.read")
def list_patrols(user):
    """Return each checkpoint's last check-in, due time and overdue flag (and the phase)."""
    current, since, rows = snapshot.patrol_rows(gw())
    return jsonify({"patrols": rows, "phase": current, "phase_since": since})


@bp.get("/alerts")
@require("alerts.read")
def list_alerts(user):
    """Return open alerts, newest first."""
    return jsonify({"alerts": alerts.open_alerts(gw().store.projection(alerts.NAME))})


@bp.post("/alerts/<alert_id>/acknowledge")
@require("alerts.acknowledge")
def acknowledge(user, alert_id):
    """Acknowledge an alert."""
    idem = idempotency(user)
    return answered(alerts.acknowledge_alert(
        gw(), actor=user.actor(), alert_id=alert_id, idem=idem))


@bp.post("/phase")
@require("phase.change")
def change_phase(user):
    """Move the venue to another phase."""
    idem = idempotency(user)
    return answered(phase.change_phase(gw(), actor=user.actor(), phase=body().get("phase"), idem=idem))


@bp.get("/state")
@require("state.read")
def state(user):
    """Return the current snapshot with its cursor."""
    if request.args.get("at"):
        raise InvalidInput("State at a past moment is not available yet.", fields={"at": "not supported yet"})
    return jsonify(snapshot.current(gw()))


def _time_ms(name, fields):
    """Parse an ISO time query parameter into epoch ms."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return int(ev.parse_iso(raw).timestamp() * 1000)
    except ValueError as exc:
        fields[name] = f"not an ISO 8601 time with zone ({exc})"
        return None


def _timeline_args():
    """Parse and check the timeline query parameters."""
    args, fields = request.args, {}
    for name in ("after", "before"):
        if args.get(name) and not ev.valid_id(args[name]):
            fields[name] = "not a stream id (like 1764050000000-0)"
    try:
        limit = int(args.get("limit", 100))
        if not 1 <= limit <= 1000:
            raise ValueError
    except ValueError:
        fields["limit"] = "a whole number from 1 to 1000"
        limit = 100
    location = args.get("location") or None
    if location and location not in gw().venue.location_ids():
        fields["location"] = "unknown location"
    order = args.get("order") or None
    if order not in (None, "asc", "desc"):
        fields["order"] = "asc or desc"
    query = dict(after=args.get("after") or None, before=args.get("before") or None,
                 from_ms=_time_ms("from", fields), to_ms=_time_ms("to", fields),
                 type_=args.get("type") or None, location=location,
                 actor=args.get("actor") or None, limit=limit, order=order)
    check(fields)
    return query


@bp.get("/events")
@require("events.read")
def list_events(user):
    """Page the timeline: newest first by default; `next` continues the same direction."""
    ctx = gw()
    found, cursor = timeline.page(ctx.store, **_timeline_args())
    return jsonify({"events": [ev.envelope(e, ctx.venue.id) for e in found], "next": cursor})
