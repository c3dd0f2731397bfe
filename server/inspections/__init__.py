"""Inspections before the session: checklists walked area by area, hazards fixed on the spot
(立行立改), and the readiness gate the phase change to in_session asks."""
from pydantic import Field

from server.concept import FEED_ROLES, Audience, Concept, EventType, feed_and_actor
from server.inspections import fold, readiness, service
from server.inspections.models import AssignedData, Board, Hazard, OpenedData, RecordedData, RectifiedData

# A wall screen shows where and what, not the guard's free text.
PRIVATE = ("note", "rectify_note")


def assignee_too(event):
    """Reach every feed screen, the actor's devices and the guard the hazard was assigned to."""
    users = {event["actor"]["username"], event["data"].get("assignee")} - {None}
    return Audience(roles=FEED_ROLES, users=frozenset(users))


def screened(envelope, role):
    """Return the copy a display receives: no free text."""
    if role != "display":
        return envelope
    data = {k: v for k, v in envelope["data"].items() if k not in PRIVATE}
    if "results" in data:
        data["results"] = [{k: v for k, v in r.items() if k not in PRIVATE} for r in data["results"]]
    return {**envelope, "data": data}


def snapshot(ctx, reads, state):
    """Return the open hazards (displays without notes) and today's readiness board."""
    rows = fold.open_hazards(reads.projections[fold.hazards.NAME])
    if getattr(reads.viewer, "role", None) == "display":
        rows = [{k: v for k, v in row.items() if k not in PRIVATE} for row in rows]
    return {"hazards": rows, "readiness": readiness.board(ctx.venue, reads.projections, reads.now)}


def _type(name, data, doc, audience=feed_and_actor):
    """Declare one event type: feed screens and the actor's devices; displays without notes."""
    return EventType(name, data, doc, audience=audience, form=screened,
                     audience_doc="feed screens (displays without notes) and the actor's devices"
                     + ("; and the assignee" if audience is assignee_too else ""))


CONCEPT = Concept(
    name="inspections",
    doc=__doc__,
    events=(_type(fold.RECORDED, RecordedData, "A guard walked one checklist in one area."),
            _type(fold.OPENED, OpenedData, "A failed inspection item opened a hazard."),
            _type(fold.ASSIGNED, AssignedData, "Someone was sent to fix a hazard.", audience=assignee_too),
            _type(fold.RECTIFIED, RectifiedData, "A hazard was fixed (on the spot, within the venue's threshold).",
                  audience=assignee_too),),
    folds=fold.FOLDS,
    views="server.inspections.views:bp",
    permissions={"inspections.record": ("guard",), "inspections.read": ("guard",), "hazards.read": ("guard",),
                 "hazards.run": ("operator",), "readiness.read": ("guard", "display")},
    timers=(service.check_open_hazards,),
    snapshot=snapshot,
    reads=tuple(f.NAME for f in fold.FOLDS),
    sections={"hazards": (list[Hazard], Field(description="open hazards, critical first, then oldest")),
              "readiness": (Board, Field(description="today's readiness board and gate"))},
    gates=(readiness.gate,),
)
