"""The meeting programme: the event's days and meetings (venue file), each meeting's state, the
zones its check and its clearance cover, and the phase it proposes to a commander."""
from server.concept import AlertCause, Concept, Section
from server.phase.fold import NAME as PHASE
from server.phase.service import current
from server.programme import service, settings
from server.programme.models import ProgrammeRow

# The clearance fold's projection (server/clearance/fold.py NAME), read by name: the clearance
# concept imports this one for its scope, so importing it back would make a cycle.
CLEARANCE = "clearance"


def rows(ctx, reads):
    """Return today's programme as one row, key `today` (empty lists without a programme)."""
    phase = current(ctx, reads.projections[PHASE])[0]
    return {"today": service.today_row(ctx.venue, reads.now, phase, reads.projections[CLEARANCE].get("round"))}


def _phase_field(_ctx, _alert):
    """Return the projection field holding the phase in force."""
    return "phase"


CONCEPT = Concept(
    name="programme",
    doc=__doc__,
    timers=(service.propose_phase,),
    alert_causes=(AlertCause(service.PHASE_DUE, PHASE, _phase_field, service.phase_followed),),
    sections=(Section("programme", ProgrammeRow, rows, "one row, key `today`: today's meetings with their state "
                      "(upcoming, check_due, in_session, clearing, done), the next meeting and the phase the "
                      "programme proposes", reads=(PHASE, CLEARANCE), timed=True),),
    venue_sections={settings.KEY: settings.parse},
    venue_checks=(settings.check,),
)
