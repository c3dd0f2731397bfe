"""Roles and what each may do (DESIGN §4): core permissions plus every concept's grants."""
import functools

from server.concepts import registry

ROLES = ("guard", "operator", "commander", "admin", "display")

# Permissions of the core (not of any one concept); roles inherit as ROLE_PARENTS says.
BASE = {
    "guard": {"venue.read", "live.connect"},
    "display": {"venue.read", "state.read", "live.connect", "live.feed"},
    "operator": {"events.read"},
    "commander": {"state.replay"},  # the state at a past moment (replay of the wall)
    "admin": set(),
}

# Which pages each role may open.
PAGES = {
    "guard": {"guard", "operator", "commander", "admin"},
    "control": {"display", "operator", "commander", "admin"},
    "command": {"operator", "commander", "admin"},
    "admin": {"commander", "admin"},  # a commander sees the watchlist there, not users (DESIGN §4)
    "audit": {"commander", "admin"},  # /command/audit: the chained log of privileged actions
}

HOME = {"guard": "/guard", "display": "/control", "operator": "/control",
        "commander": "/command", "admin": "/admin"}


@functools.cache
def permissions():
    """Return {role: permissions}: the core's and every concept's grants (built on first use)."""
    return registry().permissions(BASE)


def can(role, permission):
    """Tell whether a role holds a permission."""
    return permission in permissions().get(role, ())
