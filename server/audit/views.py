"""The audit log over HTTP: GET /api/v1/audit (commanders and admins)."""
from flask import Blueprint

from server.api.common import gw
from server.api.shaping import reply, viewer_of
from server.api.spec import operation
from server.audit import service
from server.audit.models import AuditAnswer, AuditQuery

bp = Blueprint("audit", __name__, url_prefix="/api/v1")


@bp.get("/audit")
@operation("audit.read", tag="audit", query=AuditQuery, answer=AuditAnswer)
def list_entries(user, query):
    """List the hash-chained audit log of privileged actions, newest first, with the chain head."""
    ctx = gw()
    entries, cursor = service.list_entries(ctx, viewer_of(user), before=query.before, limit=query.limit)
    return reply({"entries": entries, "next": cursor, "head": service.chain_head(ctx)})
