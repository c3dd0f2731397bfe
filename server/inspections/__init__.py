"""Inspections before the session: checklists walked area by area, hazards fixed on the spot
(立行立改), and the readiness gate the phase change to in_session asks."""
from server.concept import FEED_ROLES, AlertCause, Audience, Concept, EventType, Section, feed_and_actor
from server.inspections import fold, readiness, service
from server.programme.fold import NAME as PROGRAMME
from server.inspections.models import AssignedData, Board, Hazard, OpenedData, RecordedData, RectifiedData


def assignee_too(event):
    """Reach every feed screen, the actor's devices and the guard the hazard was assigned to."""
    users = {event["actor"]["username"], event["data"].get("assignee")} - {None}
    return Audience(roles=FEED_ROLES, users=frozenset(users))


def hazard_rows(ctx, reads):
    """Return the open hazards, keyed by id."""
    return {row["hazard_id"]: row for row in fold.open_hazards(reads.projections[fold.hazards.NAME])}


def involves(row, viewer):
    """Tell whether a hazard is a guard's own: they found it or were sent to fix it."""
    return viewer.username in (row.get("opened_by"), row.get("assignee"))


def readiness_rows(ctx, reads):
    """Return today's readiness board as one row, key `today`."""
    return {"today": readiness.scoped(ctx.venue, reads.projections, reads.now)}


def _type(name, data, doc, audience=feed_and_actor):
    """Declare one event type: feed screens and the actor's devices; displays without notes."""
    return EventType(name, data, doc, audience=audience,
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
    alert_causes=(AlertCause(fold.HAZARD_ALERT, fold.hazards.NAME, "hazard_id", fold.rectified),),
    sections=(Section("hazards", Hazard, hazard_rows, "open hazards, keyed by id (a guard: those they found "
                      "or were sent to fix)", reads=(fold.hazards.NAME,), mine=involves, all_rows=FEED_ROLES),
              Section("readiness", Board, readiness_rows, "one row, key `today`: today's readiness board "
                      "and gate (the meeting at hand's zones when the venue has a programme)",
                      reads=(*(f.NAME for f in fold.FOLDS), PROGRAMME), timed=True)),
    gates=(readiness.gate,),
)
