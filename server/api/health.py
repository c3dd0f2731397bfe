"""Liveness, readiness and Prometheus metrics."""
from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from server.api.common import gw
from server.api.models import Liveness, Readiness
from server.api.spec import operation
from server.auth import may_read_metrics
from server.errors import Forbidden
from server.store import UNAVAILABLE

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@operation(tag="meta", public=True, answer=Liveness)
def healthz(_user):
    """Answer 200 while the process runs."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@operation(tag="meta", public=True, answer=Readiness, answers={503: Readiness})
def readyz(_user):
    """Answer 200 when Redis is reachable and loaded, else 503."""
    try:
        ready = gw().store.ready()
    except UNAVAILABLE as exc:
        return jsonify({"status": "unavailable", "reason": str(exc) or exc.__class__.__name__}), 503
    if not ready:
        return jsonify({"status": "loading"}), 503
    return jsonify({"status": "ready"})


@bp.get("/metrics")
@operation(tag="meta", public=True, media="text/plain", errors=(403,))
def metrics(_user):
    """Export Prometheus metrics of this process (to loopback or the metrics token)."""
    if not may_read_metrics():
        raise Forbidden("Metrics are served to this machine or with GATEWATCH_METRICS_TOKEN only.")
    ctx = gw()
    try:
        ctx.metrics.stream_length.set(ctx.store.count_events())
    except UNAVAILABLE:
        pass  # the metrics page must answer even with Redis away
    return Response(generate_latest(ctx.metrics.registry), mimetype=CONTENT_TYPE_LATEST)
