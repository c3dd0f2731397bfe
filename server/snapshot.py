"""The viewer's sections: every concept's rows at one cursor, shaped for one viewer (DESIGN §5).

The same functions answer /api/v1/state, compute the live patches (server/realtime/hub.py)
and, at a past cursor, replay: the server's folds are the only folds (DESIGN §1.10).
"""
import json
from dataclasses import dataclass, field

from server import events as ev
from server import offload, visibility

RECENT_EVENTS = 50
# Row keys that name a user: the people a snapshot mentions, whose display names it carries.
PERSON_KEYS = frozenset({"last_guard", "username", "acknowledged_by", "assignee", "reported_by", "confirmed_by", "by"})


@dataclass
class Reads:
    """What the rows are computed from: projections, recent index ids, and the time."""

    projections: dict
    now: object
    recent: dict = field(default_factory=dict)  # (kind, value) -> ids within the section's span


def all_sections(registry):
    """Return every concept's sections, in registry order."""
    return [s for c in registry.concepts for s in c.sections]


def reads_needed(registry):
    """Return the projections and the recent index windows every section needs."""
    names = sorted({n for s in all_sections(registry) for n in s.reads})
    recent = sorted({r for s in all_sections(registry) for r in s.recent})
    return names, recent


def rows_of(ctx, reads, sections=None):
    """Return {section: {key: row}} as the folds left them, shaped for nobody yet."""
    return {s.name: s.rows(ctx, reads) for s in (sections or all_sections(ctx.registry))}


def shape_rows(section, rows, viewer):
    """Return one section's rows as a viewer may read them (None: not a reader of it)."""
    if viewer.role not in section.readers:
        return None
    own = viewer.role not in section.all_rows
    return {key: visibility.shape(section.row, row, viewer) for key, row in rows.items()
            if not own or section.mine(row, viewer)}


def shape_patch(section, changed, viewer, before=None):
    """Return {key: row | None} of changed rows for a viewer (None: not a reader of the section).

    A viewer who reads only their own rows gets a row that is theirs, and a null for one
    that was theirs before the change; nothing of the others.
    """
    if viewer.role not in section.readers:
        return None
    own = viewer.role not in section.all_rows
    out = {}
    for key, row in changed.items():
        if own and not (row is not None and section.mine(row, viewer)):
            was = (before or {}).get(key)
            if was is not None and section.mine(was, viewer):
                out[key] = None
            continue
        out[key] = visibility.shape(section.row, row, viewer) if row is not None else None
    return out


def for_viewer(registry, rows, viewer):
    """Return the sections a viewer reads, shaped."""
    out = {}
    for section in all_sections(registry):
        if section.name in rows:
            shaped = shape_rows(section, rows[section.name], viewer)
            if shaped is not None:
                out[section.name] = shaped
    return out


def _names(value, found):
    """Collect the usernames shaped sections and events mention."""
    # A loop over containers only: a wall's snapshot holds ~100,000 values, most of them scalars.
    todo = [value]
    while todo:
        value = todo.pop()
        if type(value) is dict:
            for key in PERSON_KEYS.intersection(value):
                if isinstance(value[key], str):
                    found.add(value[key])
            if isinstance(value.get("actor"), dict):
                found.add(value["actor"].get("username"))
            todo += [item for item in value.values() if type(item) is dict or type(item) is list]
        elif type(value) is list:
            todo += [item for item in value if type(item) is dict or type(item) is list]
    return found


def people(ctx, shaped, viewer):
    """Return display names of the viewer and of the people what the viewer reads mentions.

    Computed from the shaped sections, so a name a viewer may not read is not named here either.
    Any guard may check in next and appear on a staff screen, so staff get every guard.
    """
    wanted = _names(shaped, {viewer.username}) - {None, "", visibility.HIDDEN_NAME}
    staff = viewer.role in visibility.STAFF
    return {u["username"]: u.get("display_name") or u["username"]
            for u in ctx.accounts.list_users() if u["username"] in wanted or (staff and u.get("role") == "guard")}


def read(ctx, *, recent_events=0):
    """Return (cursor, Reads, recent events newest first) read atomically from the store."""
    now = ev.utc_now()
    names, recent = reads_needed(ctx.registry)
    windows = [(kind, value, int((now - span).timestamp() * 1000)) for kind, value, span in recent]
    rules = {f.NAME: f.still_shown for f in ctx.registry.folds if f.NAME in names and getattr(f, "FORGETS", False)}

    def decode(texts):
        """Decode the projections off the loop, keeping what a section can show."""
        return offload.run_heavy(ctx, shown_entries, texts, rules, ctx.venue, now, kind="scan")
    cursor, projections, last, ids = ctx.store.snapshot(names, recent=recent_events, indexes=windows,
                                                        shown_only=True, decode=decode)  # only the sections read them
    return cursor, Reads(projections=projections, now=now, recent=ids), last


def shown_entries(texts, rules, venue, now):
    """Decode projections as stored, without the entries of folds that forget that no section can
    show any more (server/checkpoints.py: FORGETS): of a congress's 80,000 visitors, those on site.
    Pure: run off the loop."""
    out = {}
    for name, entries in texts.items():
        rule, kept = rules.get(name), {}
        for fld, text in entries.items():
            entry = json.loads(text)
            if rule is None or (entry and rule(entry, venue=venue, when=now)):
                kept[fld] = entry
        out[name] = kept
    return out


def visible(ctx, events, viewer):
    """Return the envelopes of events a viewer receives, shaped (as the live feed sends them)."""
    return ctx.registry.visible(events, viewer.role, viewer.username, ctx.venue.id)


def current(ctx, viewer):
    """Return the state of now as this viewer may read it, with the cursor it corresponds to."""
    viewer = visibility.Viewer(viewer.role, viewer.username)
    cursor, reads, last = read(ctx, recent_events=RECENT_EVENTS)
    sections = for_viewer(ctx.registry, rows_of(ctx, reads), viewer)
    # What a wall screen shows before anything new happens: the last events (oldest first,
    # all at or before the cursor), shaped as this viewer receives them live.
    recent = visible(ctx, list(reversed(last)), viewer)
    return {"cursor": cursor, "server_time": ev.iso(reads.now), "sections": sections,
            "recent_events": recent, "people": people(ctx, {"s": sections, "e": recent}, viewer), "replay": False}
