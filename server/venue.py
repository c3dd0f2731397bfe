"""Venue configuration: the model and its validation (DESIGN §1.9, §3); server/yamlfile.py reads the file.

The first problem stops the load with a VenueError: one line naming the file and the key,
e.g. ``venues/x.yaml: checkpoints[3].zone_id: unknown zone 'hal'``.
"""
from __future__ import annotations

import dataclasses
import math
import pathlib
import re
import zoneinfo
from dataclasses import dataclass, field

from server.yamlfile import YamlFileError, read_yaml

LANGS = ("zh-CN", "en")
KINDS = ("entrance", "interior")
SEVERITIES = (1, 2, 3, 4)
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_PATH = pathlib.Path(__file__).resolve().parent.parent / "venues" / "default.yaml"


class VenueError(Exception):
    """A venue file is missing, unreadable or invalid; str() is one line naming file and key."""


class SectionError(Exception):
    """A problem at a key path in a section a concept declares; the loader prefixes the file name."""

    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


class _Invalid(Exception):
    """A problem at a key path; the loader prefixes the file name."""

    def __init__(self, where, message):
        super().__init__(f"{where or '(top level)'}: {message}")


def _model(name, doc, **fields):
    """Declare a frozen model class: id, name ({"zh-CN": ..., "en": ...}), then `fields` in order."""
    fields = [("id", str), ("name", dict), *fields.items()]
    return dataclasses.make_dataclass(name, fields, frozen=True, namespace={"__doc__": doc, "__module__": __name__})


# The model classes (one line each keeps this module under 400 lines). Lists keep file order.
Phase = _model("Phase", "A period of operation; patrol intervals depend on it.")
Zone = _model("Zone", "An area drawn on the floor plan as a polygon of [x, y] points.", polygon=list)
Entrance = _model("Entrance", "A gate; vehicles: may cars use it; vehicle_pass_required: no pass → alert.",
                  zone_id=str, x=float, y=float, vehicles=bool, vehicle_pass_required=bool)
Checkpoint = _model("Checkpoint", "A place guards check in at; every entrance is one, with the same id.\n\n"
                    "kind is 'entrance' or 'interior'; intervals maps every phase id to minutes, "
                    "or None where it is not patrolled.",
                    zone_id=str, kind=str, x=float, y=float, intervals=dict)
Category = _model("Category", "An incident category: severity 1 (most severe) to 4, SOP steps "
                  "(bilingual texts) and agency ids to notify.", default_severity=int, sop=list, agencies=list)
ChecklistItem = _model("ChecklistItem", "One line of an inspection checklist; critical ones block the session.",
                       critical=bool)
Checklist = _model("Checklist", "An inspection checklist: its items, the zone ids (areas) it applies to, and "
                   "whether each area needs it every day.", items=list, areas=list, required=bool)
Agency = _model("Agency", "An outside agency the control room may notify, with its phone number.", phone=str)

SECTIONS = ("phases", "zones", "entrances", "checkpoints", "incident_categories", "checklists", "agencies")
TOP_KEYS = ("id", "name", "timezone", "default_phase", *SECTIONS, "floorplan")
RULES = {"hazard_rules": ("fixed_on_spot_min", "alert_after_min")}  # optional; read by server/inspections/settings.py


@dataclass(frozen=True)
class Venue:
    """One venue, validated; lists keep file order."""
    id: str
    name: dict
    timezone: str
    default_phase: str
    phases: list[Phase]
    zones: list[Zone]
    entrances: list[Entrance]
    checkpoints: list[Checkpoint]
    incident_categories: list[Category]
    checklists: list[Checklist]
    agencies: list[Agency]
    floorplan: dict  # {"width": ..., "height": ...}
    source: str = ""
    rules: dict = field(default_factory=dict)  # {section of RULES: {key: positive number}}
    # {key: parsed value} of the optional sections the concepts declare (Concept.venue_sections).
    sections: dict = field(default_factory=dict)
    _by_id: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # Index once: lookups happen on every request and every watch tick.
        index = {key: {item.id: item for item in getattr(self, key)} for key in SECTIONS}
        object.__setattr__(self, "_by_id", index)

    def section(self, key):
        """Return the parsed value of a section a concept declares (its default when the file has none)."""
        return self.sections[key]

    def phase_ids(self):
        """Return the phase ids in file order."""
        return [p.id for p in self.phases]

    def find(self, section, item_id):
        """Return the item with this id in a section ("zones", "incident_categories"...), or None."""
        return self._by_id[section].get(item_id)

    def checkpoint(self, checkpoint_id):
        """Return the checkpoint with this id, or None."""
        return self._by_id["checkpoints"].get(checkpoint_id)

    def interval_min(self, checkpoint_id, phase):
        """Return the patrol interval in minutes, or None when not patrolled in that phase."""
        cp = self.checkpoint(checkpoint_id)
        return cp.intervals.get(phase) if cp else None

    def patrolled(self, phase):
        """Return the checkpoints that have an interval in this phase."""
        return [cp for cp in self.checkpoints if cp.intervals.get(phase) is not None]

    def location_ids(self):
        """Return every zone, entrance and checkpoint id."""
        return {i for key in ("zones", "entrances", "checkpoints") for i in self._by_id[key]}

    def zone_of(self, location_id):
        """Return the zone id of a zone, entrance or checkpoint id, or None."""
        if location_id in self._by_id["zones"]:
            return location_id
        place = self.checkpoint(location_id) or self.find("entrances", location_id)
        return place.zone_id if place else None

    def to_public(self):
        """Return the JSON-ready description served by GET /api/v1/venue."""
        return {key: _plain(getattr(self, key)) for key in TOP_KEYS}


def _plain(value):
    """Convert model objects into fresh dicts and lists (callers may mutate the result)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return [_plain(v) for v in value] if isinstance(value, (list, tuple)) else value


def load_venue(path=DEFAULT_PATH):
    """Read, validate and return the venue in a YAML file, or raise VenueError."""
    try:
        data = read_yaml(pathlib.Path(path))
    except YamlFileError as exc:
        raise VenueError(f"{path}: {exc}") from None
    return venue_from_dict(data, str(path))


def venue_from_dict(data, source="<venue>"):
    """Validate an already parsed venue mapping and return the Venue, or raise VenueError."""
    from server.concepts import registry  # here, not at the top: the concepts' modules use the venue
    try:
        venue = _Parser().venue(data, source)
        for check in (c for concept in registry().concepts for c in concept.venue_checks):
            check(venue)  # a section a concept declares, against zones and the rest of the venue
        return venue
    except (_Invalid, SectionError) as exc:
        raise VenueError(f"{source}: {exc}") from None


def _declared_sections():
    """Return {key: parse} of the optional venue sections the concepts declare."""
    from server.concepts import registry  # here, not at the top: the concepts' modules use the venue
    return {key: parse for concept in registry().concepts for key, parse in concept.venue_sections.items()}


def _at(where, key):
    """Join a key path: _at('checkpoints[3]', 'zone_id') -> 'checkpoints[3].zone_id'."""
    return f"{where}.{key}" if where else str(key)


def _kind(value):
    """Describe a YAML value briefly, the way a venue author would."""
    return {dict: "a mapping", list: "a list", type(None): "null"}.get(type(value)) or repr(value)[:60]


class _Parser:
    """Check one parsed venue document; each method takes the key path it is looking at."""

    def venue(self, data, source):
        """Validate the whole document, section by section, in dependency order."""
        declared = _declared_sections()
        doc = self.fields("", data, TOP_KEYS, (*RULES, *declared))
        fp = self.fields("floorplan", doc["floorplan"], ("width", "height"))
        self.plan = {k: self.number(f"floorplan.{k}", fp[k], positive=True) for k in ("width", "height")}
        phases = self.items("phases", doc["phases"], lambda w, v: self.named(Phase, w, v))
        self.phase_ids = [p.id for p in phases]
        zones = self.items("zones", doc["zones"], self.zone)
        self.zone_ids = {z.id for z in zones}
        entrances = self.items("entrances", doc["entrances"], self.entrance)
        self.gates = {e.id: e for e in entrances}
        checkpoints = self.items("checkpoints", doc["checkpoints"], self.checkpoint)
        for i, gate in enumerate(entrances):  # every gate is patrolled
            if gate.id not in {cp.id for cp in checkpoints}:
                raise _Invalid(f"entrances[{i}].id", f"entrance {gate.id!r} has no checkpoint with the same id")
        agencies = self.items("agencies", doc["agencies"], self.agency)
        self.agency_ids = {a.id for a in agencies}
        return Venue(
            id=self.ident("id", doc["id"]), name=self.name("name", doc["name"]),
            timezone=self.timezone("timezone", doc["timezone"]),
            default_phase=self.ref("default_phase", doc["default_phase"], self.phase_ids, "phase"),
            phases=phases, zones=zones, entrances=entrances, checkpoints=checkpoints,
            incident_categories=self.items("incident_categories", doc["incident_categories"], self.category),
            checklists=self.items("checklists", doc["checklists"], self.checklist),
            agencies=agencies, floorplan=self.plan, source=source,
            sections={key: parse(doc.get(key)) for key, parse in declared.items()},
            rules={k: {n: self.number(f"{k}.{n}", x, positive=True)
                       for n, x in self.fields(k, doc[k], (), RULES[k]).items()} for k in RULES if k in doc})

    def fields(self, where, value, required, optional=()):
        """Check a mapping has every required key and no unknown one (a typo must not pass)."""
        if not isinstance(value, dict):
            raise _Invalid(where, f"expected a mapping, got {_kind(value)}")
        for key in required:
            if key not in value:
                raise _Invalid(_at(where, key), "required key is missing")
        for key in value:
            if key not in (*required, *optional):
                raise _Invalid(_at(where, key), f"unknown key (allowed: {', '.join((*required, *optional))})")
        return value

    def seq(self, where, value, minimum=0):
        """Check a value is a list with at least `minimum` entries."""
        if not isinstance(value, list):
            raise _Invalid(where, f"expected a list, got {_kind(value)}")
        if len(value) < minimum:
            raise _Invalid(where, f"needs at least {minimum} entr{'y' if minimum == 1 else 'ies'}, has {len(value)}")
        return value

    def items(self, where, value, parse, minimum=1):
        """Parse each entry of a list with parse(where, entry) and refuse duplicate ids."""
        parsed, seen = [], {}
        for i, entry in enumerate(self.seq(where, value, minimum)):
            item = parse(f"{where}[{i}]", entry)
            if item.id in seen:
                raise _Invalid(f"{where}[{i}].id", f"duplicate id {item.id!r} (also {where}[{seen[item.id]}])")
            seen[item.id] = i
            parsed.append(item)
        return parsed

    def text(self, where, value):
        """Check a value is a non-empty string; return it stripped."""
        if not isinstance(value, str) or not value.strip():
            raise _Invalid(where, f"expected a non-empty string, got {_kind(value)}")
        return value.strip()

    def ident(self, where, value):
        """Check a value is an id of 1-64 letters, digits, '_' or '-'."""
        if not isinstance(value, str) or not ID_RE.match(value):
            raise _Invalid(where, f"invalid id {value!r} (1-64 of A-Z a-z 0-9 _ -)")
        return value

    def number(self, where, value, positive=False):
        """Check a value is a finite number, > 0 if `positive` (booleans are not numbers here)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _Invalid(where, f"expected a number, got {_kind(value)}")
        if positive and value <= 0:
            raise _Invalid(where, f"must be greater than 0, got {value!r}")
        return value

    def name(self, where, value):
        """Check a bilingual text has non-empty zh-CN and en; return it with zh-CN first."""
        if not isinstance(value, dict):
            raise _Invalid(where, f"expected a mapping with zh-CN and en, got {_kind(value)}")
        for lang in LANGS:
            if lang not in value:
                raise _Invalid(_at(where, lang), "missing translation")
        # Unknown keys are refused: an ASCII comma inside {zh-CN: ...} silently splits the text.
        self.fields(where, value, LANGS)
        return {lang: self.text(_at(where, lang), value[lang]) for lang in LANGS}

    def ref(self, where, value, known, what):
        """Check an id refers to one of `known`."""
        if not isinstance(value, str) or value not in known:
            raise _Invalid(where, f"unknown {what} {value!r}")
        return value

    def refs(self, where, value, known, what, minimum=0):
        """Check a list of ids refers to `known` ones."""
        return [self.ref(f"{where}[{i}]", v, known, what) for i, v in enumerate(self.seq(where, value, minimum))]

    def id_name(self, where, v):
        """Return the checked (id, name) of a mapping."""
        return self.ident(_at(where, "id"), v["id"]), self.name(_at(where, "name"), v["name"])

    def named(self, cls, where, value):
        """Parse a mapping of exactly id and name into cls(id, name)."""
        return cls(*self.id_name(where, self.fields(where, value, ("id", "name"))))

    def point(self, where, x, y):
        """Check a point lies on the floor plan; return (x, y)."""
        x, y = self.number(_at(where, "x"), x), self.number(_at(where, "y"), y)
        if not (0 <= x <= self.plan["width"] and 0 <= y <= self.plan["height"]):
            raise _Invalid(where, f"({x}, {y}) is outside the {self.plan['width']}x{self.plan['height']} floor plan")
        return x, y

    def place_id(self, where, value):
        """Check an entrance or checkpoint id, refusing a zone's id (zone_of() would be ambiguous)."""
        if self.ident(where, value) in self.zone_ids:
            raise _Invalid(where, f"{value!r} is already a zone id")
        return value

    def timezone(self, where, value):
        """Check the time zone is known to zoneinfo (the UI shows venue-local time)."""
        try:
            zoneinfo.ZoneInfo(self.text(where, value))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise _Invalid(where, f"unknown time zone {value!r}") from None
        return value.strip()

    def zone(self, where, value):
        """Parse a zone with its floor-plan polygon (three or more [x, y] points)."""
        v = self.fields(where, value, ("id", "name", "polygon"))
        polygon = []
        for i, pair in enumerate(self.seq(_at(where, "polygon"), v["polygon"], 3)):
            if not isinstance(pair, list) or len(pair) != 2:
                raise _Invalid(f"{where}.polygon[{i}]", f"expected [x, y], got {pair!r}")
            polygon.append(list(self.point(f"{where}.polygon[{i}]", *pair)))
        return Zone(*self.id_name(where, v), polygon)

    def entrance(self, where, value):
        """Parse an entrance: a gate in a zone, at a point, maybe open to vehicles."""
        v = self.fields(where, value, ("id", "name", "zone_id", "x", "y"), ("vehicles", "vehicle_pass_required"))
        vehicles, pass_required = self.flag(_at(where, "vehicles"), v), self.flag(_at(where, "vehicle_pass_required"), v)
        if pass_required and not vehicles:
            raise _Invalid(_at(where, "vehicle_pass_required"), "needs vehicles: true (a pass for a gate cars may not use)")
        return Entrance(self.place_id(_at(where, "id"), v["id"]), self.name(_at(where, "name"), v["name"]),
                        self.ref(_at(where, "zone_id"), v["zone_id"], self.zone_ids, "zone"),
                        *self.point(where, v["x"], v["y"]), vehicles, pass_required)

    def checkpoint(self, where, value):
        """Parse a checkpoint; an entrance's may omit name, zone_id, x and y (the entrance's are used)."""
        v = self.fields(where, value, ("id", "kind"), ("name", "zone_id", "x", "y", "intervals"))
        ident, kind = self.place_id(_at(where, "id"), v["id"]), v["kind"]
        if kind not in KINDS:
            raise _Invalid(_at(where, "kind"), f"expected one of {', '.join(KINDS)}, got {kind!r}")
        gate = self.gates.get(ident)
        if gate and kind != "entrance":
            raise _Invalid(_at(where, "kind"), f"{ident!r} is an entrance, so kind must be 'entrance'")
        if kind == "entrance" and not gate:
            raise _Invalid(_at(where, "id"), f"kind is 'entrance' but there is no entrance {ident!r}")
        v = {**({"name": gate.name, "zone_id": gate.zone_id, "x": gate.x, "y": gate.y} if gate else {}), **v}
        for key in ("name", "zone_id", "x", "y"):
            if key not in v:
                raise _Invalid(_at(where, key), "required key is missing")
        zone_id = self.ref(_at(where, "zone_id"), v["zone_id"], self.zone_ids, "zone")
        if gate and zone_id != gate.zone_id:
            raise _Invalid(_at(where, "zone_id"), f"{zone_id!r} is not entrance {ident}'s zone {gate.zone_id!r}")
        return Checkpoint(ident, self.name(_at(where, "name"), v["name"]), zone_id, kind,
                          *self.point(where, v["x"], v["y"]), self.intervals(_at(where, "intervals"), v))

    def intervals(self, where, checkpoint):
        """Parse {phase: minutes | null} into every phase; an omitted phase is not patrolled."""
        value = {} if checkpoint.get("intervals") is None else checkpoint["intervals"]
        if not isinstance(value, dict):
            raise _Invalid(where, f"expected a mapping of phase to minutes, got {_kind(value)}")
        intervals = dict.fromkeys(self.phase_ids)
        for phase, minutes in value.items():
            self.ref(_at(where, phase), phase, self.phase_ids, "phase")
            if minutes is not None:
                # Fractional minutes are allowed: tests use 0.05 to see a patrol go overdue in seconds.
                intervals[phase] = float(self.number(_at(where, phase), minutes, positive=True))
        return intervals

    def agency(self, where, value):
        """Parse an agency to notify, with its phone number as text."""
        v = self.fields(where, value, ("id", "name", "phone"))
        if not isinstance(v["phone"], str):
            # An unquoted 0377... would be read as an octal integer and lose its digits.
            raise _Invalid(_at(where, "phone"), f"expected a quoted string, got {_kind(v['phone'])}")
        return Agency(*self.id_name(where, v), self.text(_at(where, "phone"), v["phone"]))

    def category(self, where, value):
        """Parse an incident category: default severity, SOP steps and agencies to notify."""
        v = self.fields(where, value, ("id", "name", "default_severity", "sop"), ("agencies",))
        severity = v["default_severity"]
        if isinstance(severity, bool) or severity not in SEVERITIES:
            raise _Invalid(_at(where, "default_severity"), f"expected 1..4 (1 = most severe), got {severity!r}")
        sop = [self.name(f"{where}.sop[{i}]", step) for i, step in enumerate(self.seq(_at(where, "sop"), v["sop"], 1))]
        agencies = self.refs(_at(where, "agencies"), v.get("agencies", []), self.agency_ids, "agency")
        return Category(*self.id_name(where, v), int(severity), sop, agencies)

    def checklist(self, where, value):
        """Parse an inspection checklist: its items and the zones (areas) it applies to."""
        v = self.fields(where, value, ("id", "name", "items", "areas"), ("required",))
        items = self.items(_at(where, "items"), v["items"], lambda w, item: ChecklistItem(
            *self.id_name(w, self.fields(w, item, ("id", "name"), ("critical",))), self.flag(_at(w, "critical"), item)))
        areas = self.refs(_at(where, "areas"), v["areas"], self.zone_ids, "zone", minimum=1)
        return Checklist(*self.id_name(where, v), items, areas, self.flag(_at(where, "required"), v))

    def flag(self, where, mapping):
        """Return an optional true/false key's value (false when absent)."""
        value = mapping.get(where.rsplit(".", 1)[-1], False)
        if not isinstance(value, bool):
            raise _Invalid(where, f"expected true or false, got {value!r}")
        return value
