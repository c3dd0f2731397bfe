"""The venue file's optional `incident_rules` section: how long the watcher waits before it tells.

    incident_rules:
      escalate_after_min: {1: 2, 2: 5}   # severity -> minutes unacknowledged before escalation
      dispatch_ack_min: 3                # minutes an assignment may wait for the guard's accept
      broadcast_ack_min: 5               # minutes a broadcast may wait for its guards' acknowledgement

Every key is optional; an absent section or key takes the default below. A severity left out
of `escalate_after_min` is never escalated by the watcher. Pure: no I/O, no Flask, no Redis.
"""
from dataclasses import dataclass, field
import math

from server.venue import SectionError

KEY = "incident_rules"
SEVERITIES = (1, 2, 3, 4)
DEFAULT_ESCALATE_AFTER_MIN = {1: 2.0, 2: 5.0}
DEFAULT_DISPATCH_ACK_MIN = 3.0
DEFAULT_BROADCAST_ACK_MIN = 5.0
KEYS = ("escalate_after_min", "dispatch_ack_min", "broadcast_ack_min")


class RulesError(SectionError):
    """A problem at a key path under incident_rules; the venue loader names the file."""


@dataclass(frozen=True)
class IncidentRules:
    """The watcher's thresholds, in minutes (fractions allowed: tests use seconds)."""

    escalate_after_min: dict = field(default_factory=lambda: dict(DEFAULT_ESCALATE_AFTER_MIN))
    dispatch_ack_min: float = DEFAULT_DISPATCH_ACK_MIN
    broadcast_ack_min: float = DEFAULT_BROADCAST_ACK_MIN

    def escalate_after(self, severity):
        """Return the minutes an incident of this severity may stay unacknowledged, or None."""
        return self.escalate_after_min.get(severity)


DEFAULT = IncidentRules()


def _minutes(where, value):
    """Check a value is a positive, finite number of minutes; return it as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RulesError(where, f"expected a number of minutes, got {value!r}"[:120])
    if value <= 0:
        raise RulesError(where, f"must be greater than 0, got {value!r}")
    return float(value)


def _escalations(where, value):
    """Parse {severity: minutes}; severities are 1..4 (1 = most severe)."""
    if not isinstance(value, dict):
        raise RulesError(where, "expected a mapping of severity (1..4) to minutes, e.g. {1: 2, 2: 5}")
    parsed = {}
    for severity, minutes in value.items():
        if isinstance(severity, bool) or severity not in SEVERITIES:
            raise RulesError(f"{where}.{severity}", "unknown severity (expected 1..4, 1 = most severe)")
        parsed[int(severity)] = _minutes(f"{where}.{severity}", minutes)
    return parsed


def parse(value, where=KEY):
    """Return the IncidentRules of the section (None = absent: defaults), or raise RulesError."""
    if value is None:
        return DEFAULT
    if not isinstance(value, dict):
        raise RulesError(where, "expected a mapping (escalate_after_min, dispatch_ack_min, broadcast_ack_min)")
    for key in value:
        if key not in KEYS:
            raise RulesError(f"{where}.{key}", f"unknown key (allowed: {', '.join(KEYS)})")
    rules = {}
    if "escalate_after_min" in value:
        rules["escalate_after_min"] = _escalations(f"{where}.escalate_after_min", value["escalate_after_min"])
    for key in ("dispatch_ack_min", "broadcast_ack_min"):
        if key in value:
            rules[key] = _minutes(f"{where}.{key}", value[key])
    return IncidentRules(**rules)
