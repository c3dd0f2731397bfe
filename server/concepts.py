"""The registry: the one list of concepts that every other part of the server iterates."""
import functools

from pydantic import ValidationError

from server import events as ev
from server import sealed_rows, sealing, visibility
from server import (accounts, activity, alerts, audit, broadcasts, clearance, expected, incidents, inspections, patrols,
                    phase, photos, posts, programme, reports, vehicles, visitors, watchlist)
from server.concept import ROLE_PARENTS, reads

# Order matters only for folds: a concept's fold sees the events in stream order either way.
CONCEPTS = (phase.CONCEPT, patrols.CONCEPT, alerts.CONCEPT, activity.CONCEPT, accounts.CONCEPT,
            incidents.CONCEPT, visitors.CONCEPT, vehicles.CONCEPT, expected.CONCEPT, inspections.CONCEPT,
            clearance.CONCEPT, broadcasts.CONCEPT, photos.CONCEPT, watchlist.CONCEPT, posts.CONCEPT, reports.CONCEPT,
            audit.CONCEPT, programme.CONCEPT)


class InvalidEvent(Exception):
    """A drafted event does not match its registered schema: a programming error."""


class Registry:
    """Lookups over a tuple of concepts: event types, folds, roles, timers, audiences."""

    def __init__(self, concepts):
        self.concepts = tuple(concepts)
        self.types = {t.name: t for c in self.concepts for t in c.events}
        self.folds = tuple(f for c in self.concepts for f in c.folds)
        # Most folds ignore most types: each event meets only the folds that read its type.
        self._folds_for = {name: tuple(f for f in self.folds if reads(f, name)) for name in self.types}
        self.personal_rows = {spec.projection: spec for c in self.concepts for spec in c.personal_rows}

    def event_type(self, name):
        """Return the registered EventType of a name, or None."""
        return self.types.get(name)

    def folds_for(self, event_type):
        """Return the folds that read an event type, in registry order (every fold for an unregistered type)."""
        # An unregistered type (history from older code, a test's) is folded as before EVENTS existed.
        return self._folds_for.get(event_type, self.folds)

    def validate(self, event):
        """Refuse a drafted event whose type is unknown or whose data breaks its model."""
        kind = self.types.get(event["type"])
        if kind is None:
            raise InvalidEvent(f"unregistered event type {event['type']!r}")
        try:
            kind.data.model_validate(event["data"])
        except ValidationError as exc:
            raise InvalidEvent(f"{event['type']} v{kind.v}: {exc}") from None
        event["v"] = kind.v

    def upcast(self, event):
        """Bring a stored event up to its type's current version (in place); return it."""
        kind = self.types.get(event["type"])
        if kind is None:
            return event
        while event.get("v", 1) < kind.v:
            old = event.get("v", 1)
            event["data"] = kind.upcasters[old](event["data"])
            event["v"] = old + 1
        return event

    def personal(self, event):
        """Return the personal fields an event type stores sealed (None for most types)."""
        kind = self.types.get(event["type"])
        return kind.personal if kind else None

    def opener(self, sealer):
        """Return the store's batch opener: sealed personal fields back, or shown purged."""
        return lambda events, lookup: sealing.open_events(self, sealer, events, lookup)

    def rows_opener(self, sealer):
        """Return the store's projection opener: sealed personal fields of entries back, or blanked."""
        return sealed_rows.RowsOpener(self.personal_rows, sealer)

    def audience(self, event):
        """Return who receives an event live and on resume (None for an unknown type)."""
        kind = self.types.get(event["type"])
        return kind.audience(event) if kind else None

    def admits(self, event, viewer):
        """Tell whether a viewer may read an event at all (its type's audience)."""
        kind = self.types.get(event["type"])
        return bool(kind) and kind.audience(event).admits(viewer.role, viewer.username)

    def readable(self, event, viewer):
        """Tell whether a viewer may read an event in the timeline: its audience, or its auditors."""
        kind = self.types.get(event["type"])
        return bool(kind) and (kind.audience(event).admits(viewer.role, viewer.username) or viewer.role in kind.audit)

    def shape(self, envelope, viewer):
        """Return one envelope as a viewer may read it: the one shaping of events (DESIGN §1.10)."""
        kind = self.types.get(envelope["type"])
        actor = (envelope.get("actor") or {}).get("username")
        data = visibility.shape(kind.data if kind else None, envelope.get("data") or {}, viewer, actor)
        out = {**envelope, "data": data if kind else {}}
        rule = kind.actor if kind else visibility.UNDECLARED
        if rule is not None and not rule.admits(viewer, envelope.get("data") or {}, actor):
            out["actor"] = {**envelope["actor"], "username": ""}
        return out

    def visible(self, events, role, username, venue_id, envelopes=None):
        """Return the envelopes of events one viewer receives, each shaped for that viewer.

        The one rule for live frames, resume, snapshots and the timeline alike. `envelopes`
        (id -> envelope) lets the frames of one batch share each envelope across audiences.
        """
        viewer = visibility.Viewer(role, username)
        out = []
        for event in events:
            if not self.admits(event, viewer):
                continue
            envelope = envelopes.get(event["id"]) if envelopes is not None else None
            if envelope is None:
                envelope = ev.envelope(event, venue_id)
                if envelopes is not None:
                    envelopes[event["id"]] = envelope
            out.append(self.shape(envelope, viewer))
        return out

    def permissions(self, base):
        """Return {role: permissions}: the base table plus every concept's grants, inherited."""
        table = {role: set(perms) for role, perms in base.items()}
        for concept in self.concepts:
            for permission, roles in concept.permissions.items():
                for role in roles:
                    table[role].add(permission)
        return {role: frozenset(_inherited(table, role)) for role in table}

    def views(self):
        """Return the "module:attr" of every concept's blueprint."""
        return [c.views for c in self.concepts if c.views]

    def timers(self):
        """Return every concept's watcher timers."""
        return [t for c in self.concepts for t in c.timers]


    def alert_causes(self):
        """Return {alert kind: AlertCause} over every concept."""
        return {cause.kind: cause for c in self.concepts for cause in c.alert_causes}

    def sessions_ended(self, ctx, event):
        """Return [(username, session tag or None)] whose sockets an event closes."""
        return [hit for c in self.concepts if c.ends_sessions for hit in c.ends_sessions(ctx, event)]


def _inherited(table, role):
    """Return a role's own permissions plus those of the roles it inherits from."""
    perms = set(table.get(role, ()))
    for parent in ROLE_PARENTS.get(role, ()):
        perms |= _inherited(table, parent)
    return perms


@functools.cache
def registry():
    """Return the registry of every concept (built on first use, not on import)."""
    return Registry(CONCEPTS)


def __getattr__(name):
    """Give `REGISTRY` to callers that import it by name (built on first use)."""
    if name == "REGISTRY":
        return registry()
    raise AttributeError(name)
