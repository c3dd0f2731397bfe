"""Watchlist: people and vehicles the gates must catch, screened at every registration."""
from server.concept import STAFF_ROLES, Audience, Concept, EventType, Personal, PersonalRows, Section
from server.identity.idcheck import mask_name
from server.identity.records import record
from server.watchlist import fold, hits
from server.watchlist.models import DecidedData, DeniedData, EntryAddedData, EntryRemovedData, Hit, HitData

NAME = fold.NAME
MANAGERS = Audience(roles=frozenset({"commander", "admin"}))
STAFF = Audience(roles=STAFF_ROLES)


def staff_and_actor(event):
    """Reach the control room's staff and the guard whose registration was refused."""
    return Audience(roles=STAFF_ROLES, users=frozenset({event["actor"]["username"]}))


def rows(ctx, reads):
    """Return the hits the control room may still act on, keyed by visitor id."""
    alerts = reads.projections["alerts"]
    return {h["visitor_id"]: h for h in reads.projections[hits.NAME].values()
            if (h["match"] == "possible" and h["status"] == "open")
            or (alerts.get(h["alert_id"]) or {}).get("status") == "open"}


# A refused person's name and plate (and why they are listed) are sealed like a visitor's, under
# the attempt's own data key; the purge erases it once the attempt is older than the retention horizon.
REFUSED_PERSONAL = Personal(subject=lambda data: data["visitor_id"], record=record,
                            fields=("name", "plate", "reason"), masked={"name": mask_name}, creates=True)


def entry_record(entry_id):
    """Return the key parts of the hash holding a watchlist entry's data key."""
    return ("watchlist_entry", entry_id)


# A listed person's name, aliases, plate and the reason are sealed at rest under the entry's own
# data key, in its events and in the entries and hits projections (the master key is not in Redis).
# Removing the entry keeps the key: who was listed, and why, stays readable to the audit.
ENTRY_FIELDS = ("name", "aliases", "plate", "reason")
ENTRY_PERSONAL = Personal(subject=lambda data: data["entry_id"], record=entry_record, fields=ENTRY_FIELDS,
                          masked={"name": mask_name}, creates=True)
HIT_PERSONAL = Personal(subject=lambda data: data["entry_id"], record=entry_record, fields=("entry_name", "reason"))
ENTRY_ROWS = PersonalRows(NAME, subject=lambda entry: entry.get("entry_id"), record=entry_record,
                          fields=ENTRY_FIELDS, masked={"name": mask_name})
HIT_ROWS = PersonalRows(hits.NAME, subject=lambda entry: entry.get("entry_id"), record=entry_record,
                        fields=("entry_name", "reason"))

CONCEPT = Concept(
    name="watchlist",
    doc=__doc__,
    events=(
        EventType(fold.ADDED, EntryAddedData, "A commander or admin added a watchlist entry (ID masked).",
                  audience=lambda _event: MANAGERS, audience_doc="commander, admin", personal=ENTRY_PERSONAL),
        EventType(fold.REMOVED, EntryRemovedData, "A watchlist entry was removed.",
                  audience=lambda _event: MANAGERS, audience_doc="commander, admin"),
        EventType(hits.HIT, HitData, "A registered visitor matched the watchlist (exact: ID or plate; "
                  "possible: name or alias).", audience=lambda _event: STAFF,
                  audience_doc="operator, commander, admin", personal=HIT_PERSONAL),
        EventType(hits.DENIED, DeniedData, "An exact match on a deny entry refused a registration; the "
                  "person is not on site.", audience=staff_and_actor, personal=REFUSED_PERSONAL,
                  audience_doc="operator, commander, admin; and the guard who tried to register them"),
        EventType(hits.CONFIRMED, DecidedData, "An operator confirmed a possible watchlist match.",
                  audience=lambda _event: STAFF, audience_doc="operator, commander, admin"),
        EventType(hits.DISMISSED, DecidedData, "An operator dismissed a possible watchlist match.",
                  audience=lambda _event: STAFF, audience_doc="operator, commander, admin"),
    ),
    folds=(fold, hits),
    personal_rows=(ENTRY_ROWS, HIT_ROWS),
    views="server.watchlist.views:bp",
    permissions={"watchlist.manage": ("commander",), "watchlist.decide": ("operator",)},
    sections=(Section("watchlist_hits", Hit, rows, "watchlist hits still open for the control room, keyed by "
                      "visitor id (staff only)", reads=(hits.NAME, "alerts"), readers=STAFF_ROLES),),
)
