"""Who may read a field, declared once on its model, and the one function that shapes for a viewer.

A field of an event's `data` model, or of a row a page shows, carries a `See` in its
annotation when not every reader of its record may read it in full:

    description: Annotated[str, FREE_TEXT]
    assignee: Annotated[str | None, PERSON] = None

`shape(model, value, viewer)` walks a record with its model: a field the viewer may not read is
dropped, or replaced by its named mask (张*, a mark instead of a username). Nested models
(`agencies[]`, `results[]`) are declared and shaped the same way. A key a model does not declare
reaches staff only: a new field is private until somebody declares who reads it.
Every read path — live frames, resume, the snapshot, the timeline, REST reads, idempotent
replays, exports and reports — shapes through here (DESIGN §1.10). No Flask, no Redis.
"""
import functools
import types
import typing
from dataclasses import dataclass, field
from typing import Callable

from pydantic import BaseModel

ROLES = ("guard", "display", "operator", "commander", "admin")
STAFF = frozenset({"operator", "commander", "admin"})
COMMANDERS = frozenset({"commander", "admin"})
NOT_DISPLAY = STAFF | {"guard"}
HIDDEN_NAME = "*"


@dataclass(frozen=True)
class Viewer:
    """Who is reading: a role, and the user (None for a role-wide audience)."""

    role: str
    username: str | None = None


@dataclass(frozen=True)
class See:
    """Who reads a field in full, and what every other reader of its record gets instead."""

    roles: frozenset  # roles that read the field in full
    name: str  # the rule's name, as docs/privacy.md lists it
    mask: Callable | None = None  # value -> the form others read; None: others do not get the field
    mask_doc: str = ""  # the mask as docs/privacy.md shows it (e.g. "张*")
    # Keys of the same record naming users who read the field in full too; "actor" is the user
    # who caused the event the record belongs to.
    subject: tuple = ()
    why: str = ""

    def admits(self, viewer, record, actor=None):
        """Tell whether a viewer reads this field of this record in full."""
        if viewer.role in self.roles:
            return True
        if not viewer.username:
            return False
        return any(_names(actor if key == "actor" else record.get(key), viewer.username) for key in self.subject)

    def others(self, value):
        """Return (keep, value) for a reader who may not read the field in full."""
        if self.mask is None:
            return False, None
        return True, (self.mask(value) if value not in (None, "", [], {}) else value)


def _names(value, username):
    """Tell whether a record's key names the user (a username or a list of them)."""
    return value == username or (isinstance(value, list) and username in value)


def mark(_value):
    """Return the mark a display sees instead of a username: someone, but not who."""
    return HIDDEN_NAME


def mask_plate(plate):
    """Return a plate as a display sees it: its region and last character (沪A***5)."""
    text = str(plate or "")
    return text[:2] + "***" + text[-1:] if len(text) > 3 else "***"


FREE_TEXT = See(NOT_DISPLAY, "free text", why="may name people: not on wall screens")
PERSON = See(NOT_DISPLAY, "person", mask=mark, mask_doc=HIDDEN_NAME, why="a wall shows that someone acted, not who")
PEOPLE = See(NOT_DISPLAY, "people", why="who was sent or addressed: not on wall screens")
STAFF_ONLY = See(STAFF, "staff only", why="for the control room, not guards' phones or wall screens")
COMMANDERS_ONLY = See(COMMANDERS, "commanders", why="commanders and administrators only")
PLATE = See(NOT_DISPLAY, "plate", mask=mask_plate, mask_doc="沪A***5", why="identifies a person next to a masked name")


def masked_name(mask_fn):
    """Return the rule of a person's name: in full for staff and guards, masked for displays."""
    return See(NOT_DISPLAY, "name", mask=mask_fn, mask_doc="张*", why="a visitor's or a refused person's name")


VISITOR_DETAIL = See(STAFF, "visitor detail", subject=("registered_by", "actor"),
                     why="phone, organization, host, purpose: the control room and the guard who registered")
UNDECLARED = See(STAFF, "undeclared", why="not declared on its model: staff only until it is")


@dataclass(frozen=True)
class Rules:
    """One model's declarations: {field: (See | None, (nested model, is_mapping) | None)}."""

    fields: dict = field(default_factory=dict)


def _nested(annotation):
    """Return (BaseModel, is_mapping) a field holds directly, in a list, optional or as dict values."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is dict and len(args) == 2:
        found = _nested(args[1])
        return (found[0], True) if found else None
    if origin in (list, tuple, set, frozenset, typing.Union, types.UnionType, typing.Annotated):
        for arg in args:
            found = _nested(arg)
            if found:
                return found
    return None


@functools.cache
def rules_of(model):
    """Return the declarations of a model (computed once per class)."""
    out = {}
    for name, info in model.model_fields.items():
        rule = next((m for m in info.metadata if isinstance(m, See)), None)
        out[name] = (rule, _nested(info.annotation))
    return Rules(out)


def shape(model, value, viewer, actor=None):
    """Return a record (or a list of records) as this viewer may read it, per its model.

    `actor` is the username of whoever caused the event the record belongs to, if any.
    """
    if isinstance(value, list):
        return [shape(model, item, viewer, actor) for item in value]
    if not isinstance(value, dict) or model is None:
        return value
    if _reads_all(model, viewer.role):
        return dict(value)
    rules = rules_of(model)
    out = {}
    for key, item in value.items():
        rule, nested = rules.fields.get(key, (UNDECLARED, None))
        if rule is not None and not rule.admits(viewer, value, actor):
            keep, item = rule.others(item)
            if not keep:
                continue
        elif nested is not None and item:
            inner, mapping = nested
            item = ({k: shape(inner, v, viewer, actor) for k, v in item.items()} if mapping
                    else shape(inner, item, viewer, actor))
        out[key] = item
    return out


@functools.cache
def _reads_all(model, role):
    """Tell whether a role reads every field of a model in full, whatever the record: a flat
    model whose every rule, and the rule of undeclared keys, admits the role (a commander reading
    the wall's 7,000 rows then copies them instead of walking each field)."""
    fields = rules_of(model).fields.values()
    return role in UNDECLARED.roles and all(
        nested is None and (rule is None or role in rule.roles) for rule, nested in fields)


def declared(model, prefix=""):
    """Yield (path, See) of every declared field of a model and its nested models (for docs/tests)."""
    for name, (rule, nested) in rules_of(model).fields.items():
        if rule is not None:
            yield prefix + name, rule
        if nested is not None and nested[0] is not model:
            yield from declared(nested[0], f"{prefix}{name}[].")
