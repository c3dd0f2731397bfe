"""Who is active: the last time each guard did anything (a fold over every concept's events)."""
import datetime as dt

from pydantic import BaseModel, Field

from server import events as ev
from server.concept import Concept, Section
from server.merge import IfNewer

NAME = "activity"
ACTIVE_MINUTES = 15


class Fold:
    """The last-seen fold (an object, so the package can also hold the descriptor)."""

    NAME = NAME
    EVENTS = None  # any guard's event of any concept

    @staticmethod
    def touches(event):
        """Return no entries: a guard's simultaneous submissions must not contend here."""
        return []

    @staticmethod
    def apply(state, event):
        """Fold a guard's event into their last-seen time (signing in or out is not a patrol)."""
        if event["actor"]["role"] != "guard" or event["type"].startswith("user."):
            return {}
        name = event["actor"]["username"]
        return {name: IfNewer({"username": name, "last_seen_at": event["ts"]}, "last_seen_at")}


def guards_active(entries, now):
    """Return guards seen in the last ACTIVE_MINUTES, most recent first."""
    horizon = now - dt.timedelta(minutes=ACTIVE_MINUTES)
    rows = [e for e in entries.values() if ev.parse_iso(e["last_seen_at"]) >= horizon]
    return sorted(rows, key=lambda e: e["last_seen_at"], reverse=True)


def rows(ctx, reads):
    """Return the guards active in the last 15 minutes, keyed by username."""
    return {g["username"]: g for g in guards_active(reads.projections[NAME], reads.now)}


class GuardActive(BaseModel):
    """A guard and when they last did anything."""

    username: str
    last_seen_at: str


CONCEPT = Concept(name="activity", doc=__doc__, folds=(Fold,),
                  sections=(Section("guards_active", GuardActive, rows, f"guards seen in the last "
                                    f"{ACTIVE_MINUTES} minutes, keyed by username", reads=(NAME,), timed=True),))
