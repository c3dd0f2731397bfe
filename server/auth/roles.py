"""Roles and what each may do (DESIGN §4)."""
ROLES = ("guard", "operator", "commander", "admin", "display")

GUARD = {"venue.read", "patrols.read", "checkin.create", "live.connect"}
DISPLAY = {"venue.read", "patrols.read", "state.read", "live.connect", "live.feed", "alerts.read"}
OPERATOR = GUARD | DISPLAY | {"alerts.acknowledge", "events.read"}
COMMANDER = OPERATOR | {"phase.change"}
ADMIN = COMMANDER | {"users.manage"}

PERMISSIONS = {"guard": GUARD, "display": DISPLAY, "operator": OPERATOR,
               "commander": COMMANDER, "admin": ADMIN}

# Which pages each role may open.
PAGES = {
    "guard": {"guard", "operator", "commander", "admin"},
    "control": {"display", "operator", "commander", "admin"},
    "command": {"operator", "commander", "admin"},
    "admin": {"admin"},
}

HOME = {"guard": "/guard", "display": "/control", "operator": "/control",
        "commander": "/command", "admin": "/admin"}


def can(role, permission):
    """Tell whether a role holds a permission."""
    return permission in PERMISSIONS.get(role, ())
