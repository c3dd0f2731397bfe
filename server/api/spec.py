"""How an API view declares itself: who may call it, and its request and answer models.

The same declaration authorises the call, validates the body and query (400 with field
errors in the caller's language) and, through `server/api/openapi.py`, documents the route.
"""
import functools
from dataclasses import dataclass

from flask import request

from server import validation
from server.api import common
from server.auth import authorize


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says about one view."""

    permission: str | None
    summary: str
    tag: str
    body: type | None = None
    query: type | None = None
    answer: type | None = None
    status: int = 200
    creating: bool = False
    public: bool = False
    errors: tuple = ()  # extra documented statuses, e.g. (404, 409)
    answers: tuple = ()  # (status, model) pairs answered with a model instead of the Error body
    media: str = "application/json"
    form: dict | None = None  # a multipart body's JSON schema
    description: str = ""
    formats: tuple = ()  # further media types the 200 may answer with (e.g. a report as XLSX)


lang = common.lang


def operation(permission=None, *, tag, body=None, query=None, answer=None, status=200,
              creating=False, public=False, errors=(), answers=None, media="application/json",
              form=None, formats=()):
    """Declare a view: authorise, require Idempotency-Key when creating, parse body and query.

    The view receives the signed-in user first (None when public), its path arguments, and
    `body=`, `query=` (validated models) and `idem=` when declared. `answers` maps a status
    other than `status` to the model of its body, where that is not the Error body.
    """
    def wrap(view):
        doc = (view.__doc__ or "").strip().splitlines()
        op = Operation(permission=permission, summary=doc[0] if doc else view.__name__, tag=tag,
                       body=body, query=query, answer=answer, status=status, creating=creating,
                       public=public, errors=tuple(errors), answers=tuple((answers or {}).items()),
                       media=media, form=form, formats=tuple(formats),
                       description="\n".join(doc[1:]).strip())

        @functools.wraps(view)
        def handler(**path):
            user = None if public else authorize(permission)
            extra = {}
            if creating:
                extra["idem"] = common.idempotency(user)
            if body is not None and form is not None and request.mimetype == "multipart/form-data":
                extra["body"] = None  # the view reads the multipart form itself
            elif body is not None:
                sent = common.body() if request.get_data(cache=True) or not optional(body) else {}
                extra["body"] = validation.parse(body, sent, lang=lang)
            if query is not None:
                args = {k: v for k, v in request.args.items() if v != ""}  # empty = not given
                extra["query"] = validation.parse(query, args, lang=lang, what="query")
            return view(user, **path, **extra)
        handler.operation = op
        return handler
    return wrap


def optional(model):
    """Tell whether a body model requires nothing (then the body itself may be left out)."""
    return not any(f.is_required() for f in model.model_fields.values())


def operation_of(view):
    """Return the Operation a view was declared with, or None."""
    return getattr(view, "operation", None)
