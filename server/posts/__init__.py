"""Posts and reliefs: who stands at each post since when, handovers, and understaffed posts in session."""
from server.concept import AlertCause, Concept, EventType, Section, feed_and_guards
from server.phase.fold import NAME as PHASE
from server.phase.service import current
from server.posts import fold, service, settings
from server.posts.models import PostOffDutyData, PostOnDutyData, PostRow

NAME = fold.NAME


def rows(ctx, reads):
    """Return every post of the venue, keyed by id, against what the phase in force needs."""
    return service.rows(ctx, reads.projections[NAME], current(ctx, reads.projections[PHASE])[0])


CONCEPT = Concept(
    name="posts",
    doc=__doc__,
    events=(
        EventType(fold.ON_DUTY, PostOnDutyData, "A guard went on duty at a post (relieving another when named).",
                  audience=feed_and_guards, audience_doc="every role (guards see who stands where)"),
        EventType(fold.OFF_DUTY, PostOffDutyData, "A guard went off duty at a post, with a handover note.",
                  audience=feed_and_guards, audience_doc="every role (a display without the note)"),
    ),
    folds=(fold,),
    views="server.posts.views:bp",
    permissions={"posts.read": ("guard", "display"), "posts.duty": ("guard",)},
    timers=(service.check_understaffed,),
    alert_causes=(AlertCause(fold.UNDERSTAFFED, NAME, "post_id", fold.staffed),),
    sections=(Section("posts", PostRow, rows, "one row per post of the venue: who is on duty since when, "
                      "what the phase needs, the last handover note", reads=(NAME, PHASE)),),
    venue_sections={settings.KEY: settings.parse, settings.RULES_KEY: settings.parse_rules},
)
