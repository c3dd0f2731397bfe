"""Accounts: user administration and sign-out as audited events that close live sockets.

These events travel on the stream so that every process closes the sockets of a user who
was signed out, disabled or given a new password; no screen receives them live.
"""
from server import events as ev
from server.accounts.models import CreatedData, SignedOutData, UserData
from server.concept import Concept, EventType, nobody


def ends_sessions(ctx, event):
    """Return the sockets an account event closes, after dropping cached sign-ins."""
    kind, data = event["type"], event["data"]
    if kind == ev.USER_SIGNED_OUT:
        ctx.accounts.forget(tag=data.get("session"))
        return [(data["username"], data.get("session"))]
    if kind in (ev.USER_DISABLED, ev.USER_PASSWORD_RESET):
        ctx.accounts.forget(username=data.get("username"))
        return [(data["username"], None)]
    return []


def _private(name, model, doc):
    """Return an account event type that no live screen receives."""
    return EventType(name, model, doc, audience=nobody, audit=frozenset({"admin"}),
                     audience_doc="nobody live; administrators in the timeline (audit)")


CONCEPT = Concept(
    name="accounts",
    doc=__doc__,
    events=(
        _private(ev.USER_CREATED, CreatedData, "An administrator created a user."),
        _private(ev.USER_DISABLED, UserData, "A user was disabled (their sessions end)."),
        _private(ev.USER_ENABLED, UserData, "A user was enabled again."),
        _private(ev.USER_PASSWORD_RESET, UserData, "A user's password was reset (sessions end)."),
        _private(ev.USER_SIGNED_OUT, SignedOutData, "A user signed out of one session."),
    ),
    views="server.api.accounts:bp",
    permissions={"users.manage": ("admin",)},
    ends_sessions=ends_sessions,
)
