"""Incidents: reported from phones, run by the control room through an explicit lifecycle."""
from pydantic import Field

from server.concept import FEED_ROLES, Audience, Concept, EventType
from server.incidents import dispatch, fold, lifecycle as lc, service
from server.incidents.models import DATA, Incident, PhotoAddedData, ReportedData

NAME = fold.NAME
# Free text may name people: a wall screen shows category, severity, place and times only.
PRIVATE = ("description", "note", "reason", "reported_by", "assignment_note")
# Names a display must not learn, but whose presence it shows ("a guard was sent"): kept as a mark.
NAMED = ("assignee", "acknowledged_by")
HIDDEN_NAME = "*"


def _for_display(mapping):
    """Return a copy without free text, and with the names of the people involved replaced by a mark."""
    out = {k: v for k, v in mapping.items() if k not in PRIVATE}
    return {**out, **{k: HIDDEN_NAME for k in NAMED if out.get(k)}}


def reporter_too(event):
    """Reach every feed screen and the reporter's other devices."""
    return Audience(roles=FEED_ROLES, users=frozenset({event["actor"]["username"]}))


def assignee_too(event):
    """Reach every feed screen and the guard the incident was assigned to."""
    assignee = event["data"].get("assignee")
    return Audience(roles=FEED_ROLES, users=frozenset({assignee} if assignee else ()))


def screened(envelope, role):
    """Return the copy a display receives: no reporter's name, no free text."""
    if role != "display":
        return envelope
    return {**envelope, "actor": {**envelope["actor"], "username": ""}, "data": _for_display(envelope["data"])}


def snapshot(ctx, reads, state):
    """Return the open incidents, most severe first, then oldest; screened for displays."""
    rows = fold.open_incidents(reads.projections[NAME])
    if getattr(reads.viewer, "role", None) == "display":
        rows = [_for_display(row) for row in rows]
    return {"incidents": rows}


def _type(name, data, doc, audience=reporter_too, audience_doc="feed screens and the actor's devices "
          "(displays without names or free text)"):
    """Declare one incident event type: screened for displays."""
    return EventType(name, data, doc, audience=audience, form=screened, audience_doc=audience_doc)


DOCS = {"acknowledge": "The control room took an incident.", "assign": "An incident was assigned to someone.",
        "accept": "The assigned guard accepted the assignment on the phone.",
        "escalate": "An incident was escalated (by an operator, or by the watcher when unacknowledged).",
        "notify_agency": "An outside agency was notified.", "sop_step": "An SOP step was carried out.",
        "note": "A note was added.", "resolve": "An incident was resolved (skipped SOP steps with a reason).",
        "close": "A commander closed an incident.", "reopen": "A commander reopened an incident.",
        "mark_duplicate": "A commander closed an incident as a duplicate of another open one."}

CONCEPT = Concept(
    name="incidents",
    doc=__doc__,
    events=(_type(fold.REPORTED, ReportedData, "Someone reported an incident."),
            _type(fold.PHOTO_ADDED, PhotoAddedData, "Photos were attached to an incident (ids only)."),
            *(_type(lc.EVENT_OF[a], DATA[a], DOCS[a]) for a in lc.ACTIONS if a != "assign"),
            _type(lc.EVENT_OF["assign"], DATA["assign"], DOCS["assign"], audience=assignee_too,
                  audience_doc="feed screens and the assigned user (displays without names or free text)")),
    folds=(fold,),
    views="server.incidents.views:bp",
    permissions={"incidents.report": ("guard",), "incidents.note": ("guard",), "incidents.read": ("guard",),
                 "incidents.run": ("operator",), "incidents.command": ("commander",)},
    timers=(service.check_unacknowledged, dispatch.check_unaccepted),
    snapshot=snapshot,
    reads=(NAME,),
    sections={"incidents": (list[Incident], Field(description="open incidents, most severe first, then oldest"))},
)
