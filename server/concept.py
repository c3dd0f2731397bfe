"""The shape every concept package exposes: one descriptor the registry iterates.

A concept (patrols, alerts, phase, visitors, incidents…) lives in `server/<concept>/` and
describes itself with a `Concept`: its event types (each with a pydantic `data` model, a
version and an audience), its folds, where its routes live, the permissions it adds, its
watcher timers, its section of the snapshot and what its events do to open live sockets.
Nothing here imports Flask, Socket.IO or Redis.
"""
from dataclasses import dataclass, field
from typing import Callable

from pydantic import BaseModel, ConfigDict

# Roles whose screens show the operational live feed (DESIGN §4).
FEED_ROLES = frozenset({"display", "operator", "commander", "admin"})
STAFF_ROLES = frozenset({"operator", "commander", "admin"})
# Who a role inherits from: operators may do all a guard and a display may, and so on.
ROLE_PARENTS = {"guard": (), "display": (), "operator": ("guard", "display"),
                "commander": ("operator",), "admin": ("commander",)}


class EventData(BaseModel):
    """Base of every event's `data` model: unknown fields are a programming error."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Audience:
    """Who receives one event live (and on resume): roles, and named users."""

    roles: frozenset = frozenset()
    users: frozenset = frozenset()

    def admits(self, role, username):
        """Tell whether a connection of this role and user receives the event."""
        return role in self.roles or username in self.users


FEED = Audience(roles=FEED_ROLES)
FEED_AND_GUARDS = Audience(roles=FEED_ROLES | {"guard"})
NOBODY = Audience()


def feed(_event):
    """Return the audience of an ordinary operational event: every feed screen."""
    return FEED


def feed_and_guards(_event):
    """Return the audience of an event every guard's phone needs too (phase, overdue gates)."""
    return FEED_AND_GUARDS


def feed_and_actor(event):
    """Return every feed screen plus the user who caused the event (their other devices)."""
    return Audience(roles=FEED_ROLES, users=frozenset({event["actor"]["username"]}))


def nobody(_event):
    """Return the audience of an audit-only event: it travels on the stream, not to screens."""
    return NOBODY


@dataclass(frozen=True)
class Personal:
    """The fields of an event that identify a person, stored only sealed (crypto-shredding).

    They are encrypted under a data key of the person (the subject) kept in a record of its
    own; erasing that record makes every sealed copy unreadable, while the rest of the event
    (and the `masked` forms, kept in the clear) stays readable. See `server/sealing.py`.
    """

    subject: Callable  # data -> the person's id (e.g. the visitor id); None: this one names nobody
    record: Callable  # subject -> key parts of the hash holding its wrapped data key ("dk")
    fields: tuple  # data keys sealed; read back as "" once the data key is gone
    masked: dict = field(default_factory=dict)  # field -> function(value): the clear, anonymous form
    creates: bool = False  # this event introduces the subject: a new data key is made with it


@dataclass(frozen=True)
class PersonalRows:
    """The fields of a projection's entries that identify a person, stored only sealed.

    Like `Personal` for events: sealed under the subject's data key when a commit (or a
    rebuild) writes the entry, opened by the store on every read, so folds and readers see
    the entry whole; once the key is erased they read "" (the `masked` forms stay in the clear).
    """

    projection: str  # the fold's NAME
    subject: Callable  # entry -> the person's id; None: this entry names nobody
    record: Callable  # subject -> key parts of the hash holding its wrapped data key ("dk")
    fields: tuple  # entry keys sealed
    masked: dict = field(default_factory=dict)  # field -> function(value): the clear, anonymous form
    # entry -> bool: whether a section may still show it (None: always). The sections' reads
    # (live and replayed) open only these: e.g. of every visitor of the retention period, the
    # ones on site. Only for entries no event shows again unless it writes them whole.
    shown: Callable | None = None


@dataclass(frozen=True)
class EventType:
    """One event type: its data model and version, who sees it, and how old versions read."""

    name: str
    data: type
    doc: str
    v: int = 1
    audience: Callable = feed  # event -> Audience
    # Who reads the actor's username in full (server/visibility.py); None: every reader. The
    # fields of `data` declare their own readers on the data model.
    actor: object = None
    # {old version: function(data) -> data of the next version}: replay reads years-old history.
    upcasters: dict = field(default_factory=dict)
    audience_doc: str = "display, operator, commander, admin"
    personal: Personal | None = None  # fields stored sealed under the subject's data key
    # Roles that read it in the timeline although no screen receives it live (audit only).
    audit: frozenset = frozenset()


ALL_ROLES = frozenset(ROLE_PARENTS)


def reads(fold, event_type):
    """Tell whether a fold reads events of a type: its EVENTS name it, or are None or undeclared."""
    events = getattr(fold, "EVENTS", None)  # a fold that forgets to declare is only slower, never wrong
    return events is None or event_type in events


@dataclass(frozen=True)
class Section:
    """One thing pages show: rows keyed by id, computed by the concept's fold and shaped per viewer.

    `rows(ctx, reads)` returns {key: row} from `reads.projections` (the folds' state at a
    cursor), `reads.now` and `reads.recent[(kind, value)]` (ids of a timeline index within its
    span). The same function answers /api/v1/state, computes the live patches and, at a past
    cursor, replay. Each row is shaped with `row` (server/visibility.py).
    """

    name: str
    row: type  # the pydantic model of one row: its fields declare who reads them
    rows: Callable  # (ctx, reads) -> {key: row}
    doc: str
    reads: tuple = ()  # projections the rows are computed from
    recent: tuple = ()  # (kind, value, timedelta): timeline index ids the rows count
    readers: frozenset = ALL_ROLES  # roles that receive the section at all
    # (row, viewer) -> bool: which rows a role outside `all_rows` reads (a guard: their own).
    mine: Callable | None = None
    all_rows: frozenset = ALL_ROLES
    timed: bool = False  # rows change with time alone (recomputed with a batch at least every second)
    # (ctx, reads, keys) -> {key: row} of just those keys: when a batch changed only entries of
    # reads[0], and their field names are the row keys, only their rows are recomputed (a
    # check-in recomputed every checkpoint's row, ~70 µs of each push).
    rows_for: Callable | None = None


@dataclass(frozen=True)
class AlertCause:
    """An alert kind a concept raises, and how to tell that its cause is gone.

    The alerts watcher (server/alerts/closing.py) reads the entry of `reads` named by `key` (an
    alert field, or `(ctx, alert) -> field`) and closes the alert when `resolved(entry or None,
    alert)` returns a reason (a short code, e.g. "incident_acknowledged").
    """

    kind: str
    reads: str
    key: str | Callable
    resolved: Callable


@dataclass(frozen=True)
class Concept:
    """Everything the rest of the server needs to know about one concept."""

    name: str
    doc: str
    events: tuple = ()
    # Objects with NAME, EVENTS (the event types it reads; None: every type), touches(event)
    # and apply(state, event). An event meets only the folds that read its type (`reads`).
    folds: tuple = ()
    views: str | None = None  # "module:blueprint", imported by the API layer only
    permissions: dict = field(default_factory=dict)  # permission -> roles (and those above them)
    timers: tuple = ()  # functions (ctx, now) run by the leader-elected watcher
    sections: tuple = ()  # Section: what this concept's rows on the pages are
    personal_rows: tuple = ()  # PersonalRows: projection entries stored sealed
    # (ctx, event) -> [(username, session tag or None)] whose live sockets must close.
    ends_sessions: Callable | None = None
    # (ctx, target phase) -> [{key, en, zh, ...}]: what keeps the venue from entering that phase.
    gates: tuple = ()
    # Optional sections of the venue file: {key: parse(raw, or None when absent) -> value}, raising
    # server.venue.SectionError; the loader stores the value for Venue.section(key).
    venue_sections: dict = field(default_factory=dict)
    # (venue) -> None, raising server.venue.SectionError: checks of those sections against the rest
    # of the venue (zone ids…), run by the loader once the venue is built.
    venue_checks: tuple = ()
    # AlertCause: alert kinds this concept raises that close themselves when their cause is gone.
    alert_causes: tuple = ()
