"""Incidents: reported from phones, run by the control room through an explicit lifecycle."""
from server.concept import FEED_ROLES, AlertCause, Audience, Concept, EventType, Section
from server.incidents import causes, dispatch, fold, lifecycle as lc, service, settings
from server.incidents.models import DATA, Incident, PhotoAddedData, ReportedData
from server.visibility import PERSON

NAME = fold.NAME


def reporter_too(event):
    """Reach every feed screen and the reporter's other devices."""
    return Audience(roles=FEED_ROLES, users=frozenset({event["actor"]["username"]}))


def assignee_too(event):
    """Reach every feed screen and the guard the incident was assigned to."""
    assignee = event["data"].get("assignee")
    return Audience(roles=FEED_ROLES, users=frozenset({assignee} if assignee else ()))


def rows(ctx, reads):
    """Return the open incidents, keyed by id."""
    return {row["incident_id"]: row for row in fold.open_incidents(reads.projections[NAME])}


def involves(row, viewer):
    """Tell whether an incident is a guard's own: they reported it or it is assigned to them."""
    return viewer.username in (row.get("reported_by"), row.get("assignee"))


def _type(name, data, doc, audience=reporter_too, audience_doc="feed screens and the actor's devices "
          "(displays without names or free text)"):
    """Declare one incident event type: a display reads who acted as a mark."""
    return EventType(name, data, doc, audience=audience, actor=PERSON, audience_doc=audience_doc)


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
    alert_causes=(AlertCause("incident_unacknowledged", NAME, "incident_id", causes.acknowledged),
                  AlertCause(fold.UNACCEPTED, NAME, "incident_id", causes.accepted)),
    sections=(Section("incidents", Incident, rows, "open incidents, keyed by id (a guard: those they reported "
                      "or are assigned)", reads=(NAME,), mine=involves, all_rows=FEED_ROLES),),
    venue_sections={settings.KEY: settings.parse},  # the watcher's thresholds (ctx.venue.section)
)
