"""Expected visitors over HTTP: import a CSV, look a document up, expected vs arrived."""
from flask import Blueprint, request

from server.api.common import answered, gw
from server.api.shaping import reply
from server.api.spec import operation
from server.expected import service
from server.expected.models import ExpectedAnswer, ExpectedQuery, ImportedAnswer, LookupAnswer, LookupRequest

bp = Blueprint("expected", __name__, url_prefix="/api/v1")
UPLOAD = {"type": "object", "required": ["file"],
          "properties": {"file": {"type": "string", "format": "binary",
                                  "description": "CSV: name,id_type,id_number,organization,host,date,plate"}}}


def _uploaded():
    """Return the CSV sent: the `file` part of a form, else the raw body (text/csv)."""
    if request.mimetype == "multipart/form-data":
        part = request.files.get("file")
        return part.read() if part else b""
    return request.get_data(cache=True)


@bp.post("/visitors/expected/import")
@operation("expected.import", tag="visitors", answer=ImportedAnswer, status=201, creating=True,
           form=UPLOAD)
def import_list(user, idem):
    """Import an expected-visitor CSV: every row checked, nothing imported when any row is wrong.

    Send text/csv, or multipart/form-data with the file as `file`. A refused file answers 400
    with `rejected`: each problem's line, column and reason in English and Chinese.
    """
    return answered(service.import_expected(gw(), actor=user.actor(), idem=idem, raw=_uploaded()))


@bp.post("/visitors/expected/lookup")
@operation("expected.lookup", tag="visitors", body=LookupRequest, answer=LookupAnswer, errors=(404,))
def lookup(user, body):
    """Return the registration prefill of a document on today's expected list, or 404."""
    return reply({"expected": service.lookup(gw(), id_type=body.id_type, id_number=body.id_number)})


@bp.get("/visitors/expected")
@operation("expected.read", tag="visitors", query=ExpectedQuery, answer=ExpectedAnswer)
def expected_list(user, query):
    """Return one day's expected list (today by default), each row arrived or not yet."""
    return reply(service.expected_vs_arrived(gw(), date=query.date))
