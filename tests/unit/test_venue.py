"""Unit tests for the venue model, loader and validation (server/venue.py)."""
import copy
import json
import pathlib

import pytest
import yaml

from server.venue import VenueError, load_venue

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "venues" / "default.yaml"
FAST = ROOT / "tests" / "fixtures" / "fast_venue.yaml"
# libyaml when present: these tests load and dump the venue about a hundred times.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
PHASES = ["pre_event", "in_session", "post_event", "closed"]
CATEGORIES = ["medical", "fire_smoke", "suspicious_item", "unauthorized_entry", "crowd_disturbance",
              "equipment_failure", "traffic_parking", "lost_found", "other"]
CHECKLISTS = ["electrical", "lighting_audio", "hvac", "cctv", "elevators", "fire_equipment"]
ZONES = {"main_hall", "lobby", "meeting_rooms", "press_area", "canteen_kitchen", "parking",
         "power_room", "outer_perimeter"}


@pytest.fixture(scope="module")
def venue():
    return load_venue(DEFAULT)


@pytest.fixture
def raw():
    """A fresh, mutable copy of the default venue document."""
    return yaml.load(DEFAULT.read_text(encoding="utf-8"), Loader=LOADER)


def write(tmp_path, data, name="venue.yaml"):
    """Dump a venue document into tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_error(path):
    """Load a venue that must fail; return the VenueError message after checking its shape."""
    with pytest.raises(VenueError) as info:
        load_venue(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    return message


def checkpoint_index(data, checkpoint_id):
    return next(i for i, cp in enumerate(data["checkpoints"]) if cp["id"] == checkpoint_id)


# ------------------------------------------------------------------ the default venue

def test_default_venue_identity(venue):
    assert venue.id == "default"
    assert venue.name == {"zh-CN": "市会议中心", "en": "Municipal Conference Center"}
    assert venue.timezone == "Asia/Shanghai"
    assert venue.phase_ids() == PHASES
    assert venue.default_phase == "pre_event"
    assert venue.floorplan == {"width": 1600, "height": 1000}
    assert {z.id for z in venue.zones} == ZONES


def test_entrances_are_checkpoints(venue):
    assert [e.id for e in venue.entrances] == ["E1", "E2", "E3", "E4", "E5"]
    for entrance in venue.entrances:
        cp = venue.checkpoint(entrance.id)
        assert cp.kind == "entrance"
        assert (cp.zone_id, cp.x, cp.y, cp.name) == (entrance.zone_id, entrance.x, entrance.y, entrance.name)
    assert venue.find("entrances", "E3").vehicles is True
    assert venue.find("entrances", "E4").vehicles is False
    assert venue.find("entrances", "E3").vehicle_pass_required is True
    assert venue.find("entrances", "E2").vehicle_pass_required is False  # left out: no pass needed
    assert venue.entrances[0].name["en"] == "North main gate"


def test_interior_checkpoints(venue):
    interior = [cp for cp in venue.checkpoints if cp.kind == "interior"]
    assert 6 <= len(interior) <= 12
    assert {cp.kind for cp in venue.checkpoints} == {"entrance", "interior"}
    assert all(cp.zone_id in ZONES for cp in interior)


def test_categories_checklists_agencies(venue):
    assert [c.id for c in venue.incident_categories] == CATEGORIES
    for category in venue.incident_categories:
        assert category.default_severity in (1, 2, 3, 4)
        assert category.sop and all(set(step) == {"zh-CN", "en"} for step in category.sop)
    assert venue.find("incident_categories", "fire_smoke").agencies == ["fire"]
    assert [c.id for c in venue.checklists] == CHECKLISTS
    for checklist in venue.checklists:
        assert 3 <= len(checklist.items) <= 6
        assert checklist.areas and set(checklist.areas) <= ZONES
    phones = {a.id: a.phone for a in venue.agencies}
    assert set(phones) == {"police", "fire", "medical", "street_office"}
    assert (phones["police"], phones["fire"], phones["medical"]) == ("110", "119", "120")


def test_interval_lookup_per_phase(venue):
    assert venue.interval_min("E1", "in_session") == 15
    assert venue.interval_min("E1", "pre_event") == 30
    assert venue.interval_min("E1", "post_event") == 30
    assert venue.interval_min("E1", "closed") == 60
    assert venue.interval_min("C3", "closed") is None  # null: not patrolled while closed
    assert venue.interval_min("C1", "closed") is None  # omitted: not patrolled either
    assert venue.interval_min("C8", "closed") == 120
    assert venue.interval_min("nope", "in_session") is None
    assert venue.interval_min("E1", "lunch") is None
    assert set(venue.checkpoint("C1").intervals) == set(PHASES)
    assert {cp.id for cp in venue.patrolled("closed")} >= {"E1", "E5", "C8"}


def test_locations_and_zones(venue):
    ids = venue.location_ids()
    assert ZONES | {"E1", "E5", "C1"} <= ids
    assert venue.zone_of("lobby") == "lobby"
    assert venue.zone_of("E3") == "parking"
    assert venue.zone_of("C1") == "lobby"
    assert venue.zone_of("nowhere") is None
    assert venue.checkpoint("nowhere") is None


def test_to_public_is_json(venue):
    public = json.loads(json.dumps(venue.to_public(), ensure_ascii=False))
    assert set(public) == {"id", "name", "timezone", "default_phase", "phases", "entrances", "zones",
                           "checkpoints", "incident_categories", "checklists", "agencies", "floorplan"}
    for key in ("phases", "entrances", "zones", "checkpoints", "incident_categories", "checklists", "agencies"):
        assert all("id" in item and set(item["name"]) == {"zh-CN", "en"} for item in public[key])
    electrical = public["checklists"][0]
    assert electrical["items"][0]["id"] and electrical["areas"]
    e1 = next(cp for cp in public["checkpoints"] if cp["id"] == "E1")
    assert e1["kind"] == "entrance" and e1["intervals"]["in_session"] == 15
    public["zones"].clear()  # the answer is a copy; the venue must not change
    assert venue.zones


# ------------------------------------------------------------------ floor-plan geometry

def inside(polygon, x, y):
    """Return True when (x, y) is inside the polygon or on its edge."""
    hit = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
        if cross == 0 and min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2):
            return True
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def test_markers_lie_in_their_zones(venue):
    for place in [*venue.entrances, *venue.checkpoints]:
        assert inside(venue.find("zones", place.zone_id).polygon, place.x, place.y), place.id


def test_zones_tile_the_site(venue):
    # Cell centres never fall on an edge (all edges are on multiples of 20 units).
    for x in range(50, 1560, 20):
        for y in range(50, 960, 20):
            owners = [z.id for z in venue.zones if inside(z.polygon, x, y)]
            assert len(owners) == 1, (x, y, owners)


def test_entrances_sit_on_their_compass_side(venue):
    gate = {e.id: e for e in venue.entrances}
    assert gate["E1"].y == min(e.y for e in venue.entrances)  # north
    assert gate["E3"].y == max(e.y for e in venue.entrances)  # south
    assert gate["E2"].x == max(e.x for e in venue.entrances)  # east
    assert gate["E4"].x == min(e.x for e in venue.entrances)  # west
    lobby = venue.find("zones", "lobby").polygon
    assert min(y for _, y in lobby) < min(y for _, y in venue.find("zones", "main_hall").polygon)


# ------------------------------------------------------------------ the fast test fixture

def test_fast_fixture_is_valid_and_fast():
    fast, default = load_venue(FAST), load_venue(DEFAULT)
    for entrance in fast.entrances:
        assert all(fast.interval_min(entrance.id, phase) == 0.05 for phase in PHASES)
    assert [cp.id for cp in fast.checkpoints] == [cp.id for cp in default.checkpoints]
    assert [z.id for z in fast.zones] == [z.id for z in default.zones]
    assert [c.id for c in fast.incident_categories] == CATEGORIES


def test_incident_rules_of_the_default_venue_and_the_fast_fixture(venue):
    rules = venue.section("incident_rules")
    assert rules.escalate_after_min == {1: 2, 2: 5}
    assert (rules.dispatch_ack_min, rules.broadcast_ack_min) == (3, 5)
    assert rules.escalate_after(3) is None
    fast = load_venue(FAST).section("incident_rules")
    assert max(*fast.escalate_after_min.values(), fast.dispatch_ack_min, fast.broadcast_ack_min) <= 0.1


def test_incident_rules_are_optional_and_partial(tmp_path, raw):
    raw.pop("incident_rules")
    assert load_venue(write(tmp_path, raw)).section("incident_rules").escalate_after_min == {1: 2, 2: 5}
    raw["incident_rules"] = {"escalate_after_min": {1: 0.5}}
    rules = load_venue(write(tmp_path, raw, "partial.yaml")).section("incident_rules")
    assert (rules.escalate_after(1), rules.escalate_after(2), rules.dispatch_ack_min) == (0.5, None, 3)
    assert "incident_rules" not in load_venue(write(tmp_path, raw, "p2.yaml")).to_public()


# ------------------------------------------------------------------ validation failures

def set_cp(checkpoint_id, key, value):
    def mutate(d):
        d["checkpoints"][checkpoint_index(d, checkpoint_id)][key] = value
    return mutate


def set_interval(value):
    def mutate(d):
        d["checkpoints"][checkpoint_index(d, "C1")]["intervals"] = {"in_session": value}
    return mutate


def drop_checkpoint(checkpoint_id):
    def mutate(d):
        del d["checkpoints"][checkpoint_index(d, checkpoint_id)]
    return mutate


BROKEN = {
    "duplicate checkpoint id": (set_cp("C2", "id", "C1"), "checkpoints[6].id: duplicate id 'C1'"),
    "duplicate zone id": (lambda d: d["zones"][1].update(id="outer_perimeter"), "zones[1].id: duplicate id"),
    "duplicate item id": (lambda d: d["checklists"][0]["items"][1].update(id="switchgear"),
                          "checklists[0].items[1].id: duplicate id"),
    "dangling zone": (set_cp("C1", "zone_id", "hal"), "checkpoints[5].zone_id: unknown zone 'hal'"),
    "dangling entrance zone": (lambda d: d["entrances"][0].update(zone_id="moon"),
                               "entrances[0].zone_id: unknown zone 'moon'"),
    "interval zero": (set_interval(0), "checkpoints[5].intervals.in_session: must be greater than 0"),
    "interval negative": (set_interval(-5), "checkpoints[5].intervals.in_session: must be greater than 0"),
    "interval text": (set_interval("abc"), "checkpoints[5].intervals.in_session: expected a number, got 'abc'"),
    "interval boolean": (set_interval(True), "checkpoints[5].intervals.in_session: expected a number"),
    "interval phase": (set_cp("C1", "intervals", {"lunch": 5}), "checkpoints[5].intervals.lunch: unknown phase"),
    "intervals type": (set_cp("C1", "intervals", [15]), "checkpoints[5].intervals: expected a mapping"),
    "timezone": (lambda d: d.update(timezone="Mars/Olympus"), "timezone: unknown time zone 'Mars/Olympus'"),
    "timezone type": (lambda d: d.update(timezone=8), "timezone: expected a non-empty string"),
    "missing en name": (lambda d: d["zones"][0]["name"].pop("en"), "zones[0].name.en: missing translation"),
    "missing zh name": (lambda d: d["checkpoints"][5]["name"].pop("zh-CN"),
                        "checkpoints[5].name.zh-CN: missing translation"),
    "empty name": (lambda d: d["phases"][0]["name"].update({"en": " "}), "phases[0].name.en"),
    "name typo": (lambda d: d["agencies"][0]["name"].update({"zh_CN": "x"}), "agencies[0].name.zh_CN: unknown key"),
    "sop step name": (lambda d: d["incident_categories"][2]["sop"][1].pop("en"),
                      "incident_categories[2].sop[1].en"),
    "missing section": (lambda d: d.pop("agencies"), "agencies: required key is missing"),
    "unknown section": (lambda d: d.update(chekpoints=[]), "chekpoints: unknown key"),
    "unknown key": (set_cp("C1", "interval", {"in_session": 5}), "checkpoints[5].interval: unknown key"),
    "missing zone_id": (lambda d: d["checkpoints"][5].pop("zone_id"), "checkpoints[5].zone_id: required key"),
    "section type": (lambda d: d.update(zones={"lobby": 1}), "zones: expected a list"),
    "empty section": (lambda d: d.update(phases=[]), "phases: needs at least 1"),
    "item type": (lambda d: d["zones"].append("lobby"), "zones[8]: expected a mapping"),
    "bad id": (lambda d: d["zones"][1].update(id="lob by"), "zones[1].id: invalid id 'lob by'"),
    "long id": (lambda d: d["phases"][0].update(id="p" * 65), "phases[0].id: invalid id"),
    "entrance without checkpoint": (drop_checkpoint("E5"), "entrances[4].id: entrance 'E5' has no checkpoint"),
    "checkpoint without entrance": (set_cp("C1", "kind", "entrance"), "checkpoints[5].id: kind is 'entrance'"),
    "entrance checkpoint interior": (set_cp("E2", "kind", "interior"), "checkpoints[1].kind"),
    "unknown kind": (set_cp("C1", "kind", "roof"), "checkpoints[5].kind: expected one of"),
    "entrance checkpoint zone": (set_cp("E3", "zone_id", "lobby"), "checkpoints[2].zone_id"),
    "checkpoint id is a zone": (set_cp("C1", "id", "lobby"), "checkpoints[5].id: 'lobby' is already a zone id"),
    "dangling agency": (lambda d: d["incident_categories"][0].update(agencies=["ambulance"]),
                        "incident_categories[0].agencies[0]: unknown agency 'ambulance'"),
    "dangling area": (lambda d: d["checklists"][3].update(areas=["roof"]), "checklists[3].areas[0]: unknown zone"),
    "no areas": (lambda d: d["checklists"][3].update(areas=[]), "checklists[3].areas: needs at least 1"),
    "default phase": (lambda d: d.update(default_phase="recess"), "default_phase: unknown phase 'recess'"),
    "severity zero": (lambda d: d["incident_categories"][1].update(default_severity=0),
                      "incident_categories[1].default_severity"),
    "severity five": (lambda d: d["incident_categories"][1].update(default_severity=5),
                      "incident_categories[1].default_severity"),
    "severity text": (lambda d: d["incident_categories"][1].update(default_severity="high"),
                      "incident_categories[1].default_severity"),
    "point outside": (set_cp("C1", "x", 5000), "checkpoints[5]: (5000, 230) is outside the 1600x1000 floor plan"),
    "point negative": (lambda d: d["entrances"][3].update(x=-1), "entrances[3]: (-1, 420) is outside"),
    "coordinate type": (set_cp("C1", "y", "north"), "checkpoints[5].y: expected a number"),
    "polygon outside": (lambda d: d["zones"][2]["polygon"].append([1700, 10]), "zones[2].polygon[4]"),
    "polygon too short": (lambda d: d["zones"][2].update(polygon=[[0, 0], [1, 1]]),
                          "zones[2].polygon: needs at least 3"),
    "polygon point shape": (lambda d: d["zones"][2]["polygon"].__setitem__(0, [1, 2, 3]), "zones[2].polygon[0]"),
    "floorplan size": (lambda d: d["floorplan"].update(width=0), "floorplan.width: must be greater than 0"),
    "phone number": (lambda d: d["agencies"][3].update(phone=37763000000),
                     "agencies[3].phone: expected a quoted string"),
    "vehicles flag": (lambda d: d["entrances"][0].update(vehicles="yes"), "entrances[0].vehicles"),
    "pass flag": (lambda d: d["entrances"][1].update(vehicle_pass_required=1),
                  "entrances[1].vehicle_pass_required: expected true or false"),
    "pass without vehicles": (lambda d: d["entrances"][0].update(vehicle_pass_required=True),
                              "entrances[0].vehicle_pass_required: needs vehicles: true"),
    "top level": (lambda d: d.clear(), "id: required key is missing"),
    "rules type": (lambda d: d.update(incident_rules=[2, 5]), "incident_rules: expected a mapping"),
    "rules key": (lambda d: d["incident_rules"].update(escalate_after=5), "incident_rules.escalate_after: unknown key"),
    "rules severity": (lambda d: d["incident_rules"]["escalate_after_min"].update({5: 3}),
                       "incident_rules.escalate_after_min.5: unknown severity"),
    "rules map": (lambda d: d["incident_rules"].update(escalate_after_min=2),
                  "incident_rules.escalate_after_min: expected a mapping of severity"),
    "rules zero": (lambda d: d["incident_rules"].update(dispatch_ack_min=0),
                   "incident_rules.dispatch_ack_min: must be greater than 0"),
    "rules text": (lambda d: d["incident_rules"].update(broadcast_ack_min="soon"),
                   "incident_rules.broadcast_ack_min: expected a number of minutes, got 'soon'"),
    "rules boolean": (lambda d: d["incident_rules"]["escalate_after_min"].update({1: True}),
                      "incident_rules.escalate_after_min.1: expected a number"),
}


@pytest.mark.parametrize("mutate, expected", BROKEN.values(), ids=BROKEN.keys())
def test_broken_venue_names_file_and_key(tmp_path, raw, mutate, expected):
    mutate(raw)
    message = load_error(write(tmp_path, raw))
    assert expected in message, message


def test_fractional_and_null_intervals_are_valid(tmp_path, raw):
    cp = raw["checkpoints"][checkpoint_index(raw, "C1")]
    cp["intervals"] = {"pre_event": 0.05, "in_session": None}
    venue = load_venue(write(tmp_path, raw))
    assert venue.interval_min("C1", "pre_event") == 0.05
    assert venue.interval_min("C1", "in_session") is None
    assert venue.interval_min("C1", "closed") is None


def test_entrance_checkpoint_may_override_position(tmp_path, raw):
    raw["checkpoints"][0].update(x=800, y=60, name={"zh-CN": "北门岗亭", "en": "North gate booth"})
    cp = load_venue(write(tmp_path, raw)).checkpoint("E1")
    assert (cp.x, cp.y, cp.zone_id, cp.name["en"]) == (800, 60, "outer_perimeter", "North gate booth")


def test_original_data_untouched(raw):
    before = copy.deepcopy(raw)
    load_venue(DEFAULT)
    assert raw == before


# ------------------------------------------------------------------ file problems

def test_missing_file(tmp_path):
    path = tmp_path / "absent.yaml"
    assert "no such file" in load_error(path)


def test_directory(tmp_path):
    assert "is a directory" in load_error(tmp_path)


def test_not_a_yaml_name(tmp_path):
    path = tmp_path / "venue.json"
    path.write_text("{}", encoding="utf-8")
    assert "not a YAML file" in load_error(path)


def test_malformed_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: default\nzones: [lobby\nname: x\n", encoding="utf-8")
    message = load_error(path)
    assert "invalid YAML" in message and "line " in message


def test_duplicate_yaml_key(tmp_path):
    path = tmp_path / "dup.yml"
    path.write_text(DEFAULT.read_text(encoding="utf-8") + "\ntimezone: UTC\n", encoding="utf-8")
    message = load_error(path)
    assert "duplicate key 'timezone'" in message and "line " in message


def test_merge_keys_may_override(tmp_path, raw):
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "intervals: *busy\n", "intervals: {<<: *busy, in_session: 10}\n", 1)
    path = tmp_path / "merge.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_venue(path).interval_min("C2", "in_session") == 10


def test_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    assert "(top level): expected a mapping, got null" in load_error(path)


def test_top_level_list(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- id: default\n", encoding="utf-8")
    assert "expected a mapping, got a list" in load_error(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in load_error(path)
