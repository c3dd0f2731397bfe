"""The programme over HTTP: the days and meetings, and a commander's edits of a day."""
from flask import Blueprint

from server.api.common import answered, gw
from server.api.spec import operation
from server.programme import service
from server.programme.models import DayRequest, EditAnswer, ProgrammeAnswer, ProgrammeQuery, ResetAnswer, ResetRequest

bp = Blueprint("programme", __name__, url_prefix="/api/v1")


@bp.get("/programme")
@operation("programme.read", tag="programme", query=ProgrammeQuery, answer=ProgrammeAnswer)
def list_days(user, query):
    """List the programme's days from `from` to `to` (default: a week from today) and the daily template.

    Each day says where its meetings come from: the venue file, a commander's edit, the daily
    template, or none; with each meeting's id (DATE.MEETING) and times.
    """
    return service.days(gw(), first=query.from_, last=query.to)


@bp.post("/programme/days")
@operation("programme.edit", tag="programme", body=DayRequest, answer=EditAnswer, status=201, creating=True)
def set_day(user, body, idem):
    """Set one day's meetings (commander): they replace the venue file's for that date; none cancels them.

    A date from today on, or `daily` for the template. Readiness, clearance, the wall's "next
    meeting" and the phase the programme proposes follow at once.
    """
    meetings = [m.model_dump(by_alias=True) for m in body.meetings]
    return answered(service.set_day(gw(), actor=user.actor(), date=body.date, meetings=meetings,
                                    reason=body.reason, idem=idem))


@bp.post("/programme/days/<date>/reset")
@operation("programme.edit", tag="programme", body=ResetRequest, answer=ResetAnswer, status=201, creating=True,
           errors=(404,))
def reset_day(user, date, body, idem):
    """Put the venue file's day back in force for a date a commander edited (commander)."""
    return answered(service.reset_day(gw(), actor=user.actor(), date=date, reason=body.reason, idem=idem))
