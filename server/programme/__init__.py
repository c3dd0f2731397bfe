"""The meeting programme: the event's days and meetings (venue file, edited by commanders), each
meeting's state, the zones its check and its clearance cover, and the phase it proposes to a commander."""
from server.concept import AlertCause, Concept, EventType, Section, feed
from server.phase.fold import NAME as PHASE
from server.phase.service import current
from server.programme import fold, service, settings
from server.programme.models import DayResetData, DaySetData, ProgrammeRow

# The clearance fold's projection (server/clearance/fold.py NAME), read by name: the clearance
# concept imports this one for its scope, so importing it back would make a cycle.
CLEARANCE = "clearance"


def rows(ctx, reads):
    """Return today's programme as one row, key `today` (empty lists without a programme)."""
    phase = current(ctx, reads.projections[PHASE])[0]
    venue = service.planned(ctx, reads.projections[fold.NAME])
    return {"today": service.today_row(venue, reads.now, phase, reads.projections[CLEARANCE].get("round"))}


def _phase_field(_ctx, _alert):
    """Return the projection field holding the phase in force."""
    return "phase"


CONCEPT = Concept(
    name="programme",
    doc=__doc__,
    events=(EventType(fold.DAY_SET, DaySetData, "A commander set one day's meetings (the file's day no longer applies).",
                      audience=feed, audience_doc="every feed screen"),
            EventType(fold.DAY_RESET, DayResetData, "A commander put the venue file's day back in force.",
                      audience=feed, audience_doc="every feed screen")),
    folds=(fold,),
    views="server.programme.views:bp",
    permissions={"programme.read": ("guard", "display"), "programme.edit": ("commander",)},
    timers=(service.propose_phase,),
    alert_causes=(AlertCause(service.PHASE_DUE, PHASE, _phase_field, service.phase_followed),),
    sections=(Section("programme", ProgrammeRow, rows, "one row, key `today`: today's meetings with their state "
                      "(upcoming, check_due, in_session, clearing, done), the next meeting and the phase the "
                      "programme proposes", reads=(PHASE, CLEARANCE, fold.NAME), timed=True),),
    venue_sections={settings.KEY: settings.parse},
    venue_checks=(settings.check,),
)
