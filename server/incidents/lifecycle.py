"""The incident lifecycle as an explicit state machine (pure: no I/O).

reported → acknowledged → resolved → closed. While open (reported or acknowledged) notes and
escalations may be added; assigning (and the assigned guard accepting), notifying an agency,
ticking an SOP step and resolving need an acknowledged incident (someone in the control room
owns it first). A resolved or
closed incident may be reopened (it comes back acknowledged: it was owned before); an open
one may be closed as a duplicate of another open incident.
"""
REPORTED, ACKNOWLEDGED, RESOLVED, CLOSED = "reported", "acknowledged", "resolved", "closed"
STATES = (REPORTED, ACKNOWLEDGED, RESOLVED, CLOSED)
OPEN = (REPORTED, ACKNOWLEDGED)

# action -> (event type, states it may be taken from, state after; None = unchanged)
ACTIONS = {
    "acknowledge": ("incident.acknowledged", (REPORTED,), ACKNOWLEDGED),
    "assign": ("incident.assigned", (ACKNOWLEDGED,), None),
    "accept": ("incident.assignment_accepted", (ACKNOWLEDGED,), None),
    "escalate": ("incident.escalated", OPEN, None),
    "notify_agency": ("incident.agency_notified", (ACKNOWLEDGED,), None),
    "sop_step": ("incident.sop_step_done", (ACKNOWLEDGED,), None),
    "note": ("incident.noted", OPEN, None),
    "resolve": ("incident.resolved", (ACKNOWLEDGED,), RESOLVED),
    "close": ("incident.closed", (RESOLVED,), CLOSED),
    "reopen": ("incident.reopened", (RESOLVED, CLOSED), ACKNOWLEDGED),
    "mark_duplicate": ("incident.marked_duplicate", OPEN, CLOSED),
}
EVENT_OF = {action: spec[0] for action, spec in ACTIONS.items()}
ACTION_OF = {spec[0]: action for action, spec in ACTIONS.items()}

# The lowest role that may take each action (DESIGN §4); roles above inherit.
# A guard accepts only an assignment of their own (the service checks who the assignee is).
GUARD_ACTIONS = ("note", "accept")
COMMANDER_ACTIONS = ("close", "reopen", "mark_duplicate")
OPERATOR_ACTIONS = tuple(a for a in ACTIONS if a not in GUARD_ACTIONS + COMMANDER_ACTIONS)
PERMISSION = {**{a: "incidents.note" for a in GUARD_ACTIONS},
              **{a: "incidents.run" for a in OPERATOR_ACTIONS},
              **{a: "incidents.command" for a in COMMANDER_ACTIONS}}


class IllegalTransition(Exception):
    """The action is not allowed from the incident's current state."""

    def __init__(self, action, state):
        super().__init__(f"cannot {action} an incident that is {state}")
        self.action, self.state = action, state


def allowed(action, state):
    """Tell whether an action may be taken on an incident in this state."""
    return state in ACTIONS[action][1]


def next_state(action, state):
    """Return the state after taking an action, or raise IllegalTransition."""
    if not allowed(action, state):
        raise IllegalTransition(action, state)
    return ACTIONS[action][2] or state


def is_open(state):
    """Tell whether an incident in this state still needs handling."""
    return state in OPEN
