"""Watchlist: people and vehicles the gates must catch, screened at every registration."""
from pydantic import Field

from server.concept import STAFF_ROLES, Audience, Concept, EventType, Personal
from server.visitors import fold as visitors_fold
from server.visitors.idcheck import mask_name
from server.watchlist import fold, hits
from server.watchlist.models import DecidedData, DeniedData, EntryAddedData, EntryRemovedData, Hit, HitData

NAME = fold.NAME
MANAGERS = Audience(roles=frozenset({"commander", "admin"}))
STAFF = Audience(roles=STAFF_ROLES)


def staff_and_actor(event):
    """Reach the control room's staff and the guard whose registration was refused."""
    return Audience(roles=STAFF_ROLES, users=frozenset({event["actor"]["username"]}))


def snapshot(ctx, reads, state):
    """Return the hits the control room may still act on (staff only: a display gets none)."""
    if getattr(reads.viewer, "role", None) not in STAFF_ROLES:
        return {"watchlist_hits": []}
    alerts = reads.projections["alerts"]
    rows = [h for h in reads.projections[hits.NAME].values()
            if (h["match"] == "possible" and h["status"] == "open")
            or (alerts.get(h["alert_id"]) or {}).get("status") == "open"]
    return {"watchlist_hits": sorted(rows, key=lambda h: h["raised_at"], reverse=True)}


# A refused person's name and plate are sealed like a visitor's, under the attempt's own data
# key; the purge erases it once the attempt is older than the retention horizon.
REFUSED_PERSONAL = Personal(subject=lambda data: data["visitor_id"], record=visitors_fold.record,
                            fields=("name", "plate"), masked={"name": mask_name}, creates=True)

CONCEPT = Concept(
    name="watchlist",
    doc=__doc__,
    events=(
        EventType(fold.ADDED, EntryAddedData, "A commander or admin added a watchlist entry (ID masked).",
                  audience=lambda _event: MANAGERS, audience_doc="commander, admin"),
        EventType(fold.REMOVED, EntryRemovedData, "A watchlist entry was removed.",
                  audience=lambda _event: MANAGERS, audience_doc="commander, admin"),
        EventType(hits.HIT, HitData, "A registered visitor matched the watchlist (exact: ID or plate; "
                  "possible: name or alias).", audience=lambda _event: STAFF,
                  audience_doc="operator, commander, admin"),
        EventType(hits.DENIED, DeniedData, "An exact match on a deny entry refused a registration; the "
                  "person is not on site.", audience=staff_and_actor, personal=REFUSED_PERSONAL,
                  audience_doc="operator, commander, admin; and the guard who tried to register them"),
        EventType(hits.CONFIRMED, DecidedData, "An operator confirmed a possible watchlist match.",
                  audience=lambda _event: STAFF, audience_doc="operator, commander, admin"),
        EventType(hits.DISMISSED, DecidedData, "An operator dismissed a possible watchlist match.",
                  audience=lambda _event: STAFF, audience_doc="operator, commander, admin"),
    ),
    folds=(fold, hits),
    views="server.watchlist.views:bp",
    permissions={"watchlist.manage": ("commander",), "watchlist.decide": ("operator",)},
    snapshot=snapshot,
    reads=(hits.NAME, "alerts"),
    # A default, so snapshots recorded before the watchlist existed (fold vectors) still read.
    sections={"watchlist_hits": (list[Hit], Field(default_factory=list,
                                                  description="watchlist hits still open for the control "
                                                              "room (staff only; a display gets none)"))},
)
