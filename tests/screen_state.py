"""The wall screen's state from a snapshot plus live events, computed by the server's own code.

The shared fold vectors (tests/fixtures/fold_vectors/*.json) say what the control-room screen
must show; this module answers the same question on the server side, with nothing of its own
but the plumbing: the snapshot is turned back into the projections it was read from, the
events are folded onto them with `ledger.fold_all` (every registered fold, in stream order),
and the sections are assembled with `snapshot.sections` (each concept's `snapshot()`, patrol
rows from `status_rows`). static/js/fold.js:screenState answers it on the browser side.
"""
import functools
import json
import pathlib
import types

from server import events as ev
from server import ledger
from server import snapshot as snap
from server.activity import NAME as ACTIVITY
from server.alerts.fold import NAME as ALERTS
from server.clearance.fold import NAME as CLEARANCE
from server.concepts import REGISTRY
from server.patrols.fold import NAME as PATROLS
from server.phase.fold import NAME as META
from server.venue import load_venue
from server.vehicles.fold import NAME as VEHICLES
from server.visitors.fold import NAME as VISITORS

ROOT = pathlib.Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "fixtures" / "fold_vectors"
VENUES = {"default": ROOT / "venues" / "default.yaml"}
# What a row of the screen's patrol list shows, per checkpoint.
PATROL_KEYS = ("last_checkin_at", "last_guard", "last_status", "interval_min", "due_at", "overdue")
SCREEN_KEYS = ("cursor", "phase", "patrols", "alerts", "guards_active", "checkins_last_hour",
               "visitors_on_site", "vehicles_on_site", "clearance", "readiness")


def load_vectors():
    """Return every vector, each with its file name under "file", in file-name order."""
    vectors = []
    for path in sorted(VECTORS.glob("*.json")):
        vector = json.loads(path.read_text(encoding="utf-8"))
        vector["file"] = path.name
        vectors.append(vector)
    return vectors


@functools.lru_cache(maxsize=None)
def venue_named(name):
    """Return the venue a vector names (only the repository's venues: vectors stay portable)."""
    return load_venue(VENUES[name])


def projections_of(snapshot):
    """Return the projections a snapshot was read from, as far as its sections show them.

    What a snapshot leaves out cannot change the screen: a guard not active at the snapshot
    cannot become active by an older time, an acknowledged alert stays off the screen unless
    it is raised again (which replaces it whole), and an overdue mark feeds only the timer.
    """
    meta = {"phase": {"phase": snapshot["phase"], "since": snapshot["phase_since"]}}
    patrols = {row["checkpoint_id"]: {"checkpoint_id": row["checkpoint_id"],
                                      "last_checkin_at": row["last_checkin_at"],
                                      "last_guard": row["last_guard"], "last_status": row["last_status"]}
               for row in snapshot["patrols"] if row["last_checkin_at"]}
    alerts = {a["alert_id"]: dict(a) for a in snapshot["alerts"]}
    activity = {g["username"]: {"username": g["username"], "last_seen_at": g["last_seen_at"]}
                for g in snapshot["guards_active"]}
    # Closed incidents are not in a snapshot; a screen learns of a reopened one from its event.
    incidents = {i["incident_id"]: dict(i) for i in snapshot.get("incidents", [])}
    # On-site visitors as the snapshot shows them (their history ids are not shown, nor needed).
    visitors = {v["visitor_id"]: {**v, "events": []} for v in snapshot.get("visitors", [])}
    # The clearance round: zones still open are simply absent from the projection's zones.
    board = snapshot.get("clearance") or {}
    clearance = {"round": {**{k: board.get(k) for k in ("round_id", "open", "started_at", "started_by",
                                                          "completed_at", "took_s")},
                           "zones": {z["zone_id"]: {k: v for k, v in z.items() if k != "zone_id"}
                                     for z in board.get("zones", []) if z["state"] != "open"}}}
    clearance = clearance if board.get("round_id") else {}
    # Vehicles on site, by plate: one that left is not in a snapshot, nor needed to fold its return.
    vehicles = {v["plate"]: dict(v) for v in snapshot.get("vehicles", [])}
    # Open watchlist hits as a staff snapshot shows them (a display's is empty).
    hits = {h["visitor_id"]: dict(h) for h in snapshot.get("watchlist_hits", [])}
    projections = {META: meta, PATROLS: patrols, ALERTS: alerts, ACTIVITY: activity, "incidents": incidents,
                   VISITORS: visitors, CLEARANCE: clearance,
                   VEHICLES: vehicles, "watchlist_hits": hits, **inspection_projections(snapshot)}
    # A concept whose snapshot needs another projection must teach this function to rebuild it.
    assert sorted(projections) == REGISTRY.reads(), REGISTRY.reads()
    return projections


def inspection_projections(snapshot):
    """Return the inspections, hazards and readiness projections a snapshot's board shows.

    Each inspected cell of today's board stands for one inspection at its time; open hazards
    are listed whole; the override is the board's (earlier days' are not shown, nor needed).
    """
    board = snapshot["readiness"]
    inspections = {f"seen-{c['checklist_id']}@{c['area_id']}": {
        "inspection_id": f"seen-{c['checklist_id']}@{c['area_id']}", "checklist_id": c["checklist_id"],
        "area_id": c["area_id"], "day": board["day"], "recorded_at": c["inspected_at"]}
        for c in board["cells"] if c["inspected_at"]}
    hazards = {h["hazard_id"]: dict(h) for h in snapshot["hazards"]}
    readiness = {"override": board["override"]} if board["override"] else {}
    return {"inspections": inspections, "hazards": hazards, "readiness": readiness}


def stored(envelope):
    """Return a live envelope as the folds read a stored event (upcast to the current version)."""
    event = {k: v for k, v in envelope.items() if k != "venue"}
    event["data"] = dict(event["data"])
    return REGISTRY.upcast(event)


def after_cursor(cursor, envelopes):
    """Return (the envelopes a client applies, the cursor after them): strictly after the cursor."""
    applied = []
    for envelope in envelopes:
        if cursor and ev.id_key(envelope["id"]) <= ev.id_key(cursor):
            continue  # already in the snapshot, or delivered twice
        applied.append(envelope)
        cursor = envelope["id"]
    return applied, cursor


def index_ids(snapshot, applied, now):
    """Return the timeline index ids a snapshot at `now` reads (what `snapshot.current` asks for)."""
    ids = {}
    for concept in REGISTRY.concepts:
        for kind, value, span in concept.indexes:
            assert kind == "type", f"index kind {kind!r}: teach tests/screen_state.py to fill it"
            since = int((now - span).timestamp() * 1000)
            marks = [m["id"] for m in snapshot["checkins_last_hour"]] if value == "patrol.checkin" else []
            marks += [e["id"] for e in applied if e["type"] == value]
            ids[(kind, value)] = [i for i in marks if ev.id_ms(i) >= since]
    return ids


def sections_after(venue, snapshot, envelopes, now):
    """Return the snapshot sections the server would give at `now` after these live events."""
    applied, cursor = after_cursor(snapshot["cursor"], envelopes)
    projections = ledger.fold_all(REGISTRY.folds, [stored(e) for e in applied], projections_of(snapshot))
    reads = snap.Reads(projections=projections, indexes=index_ids(snapshot, applied, now), now=now,
                       viewer=None)
    ctx = types.SimpleNamespace(venue=venue, registry=REGISTRY)
    return snap.sections(ctx, reads, cursor)


def screen(sections):
    """Return the screen state (the shape fold_vectors/README.md describes) of snapshot sections."""
    return {
        "cursor": sections["cursor"],
        "phase": sections["phase"],
        "patrols": {row["checkpoint_id"]: {k: row[k] for k in PATROL_KEYS} for row in sections["patrols"]},
        "alerts": [{"alert_id": a["alert_id"], "status": a["status"]} for a in sections["alerts"]],
        "guards_active": sorted(g["username"] for g in sections["guards_active"]),
        "checkins_last_hour": len(sections["checkins_last_hour"]),
        "visitors_on_site": len(sections["visitors"]),
        "clearance": {"open": sections["clearance"]["open"],
                      "cleared": sorted(z["zone_id"] for z in sections["clearance"]["zones"] if z["state"] == "cleared"),
                      "venue_cleared": sections["clearance"]["venue_cleared"]},
        "vehicles_on_site": sections["vehicles_on_site"]["total"],
        "readiness": readiness_screen(sections["readiness"]),
    }


def readiness_screen(board):
    """Return what the readiness board shows: ready, how many things are missing, which cells
    passed and which have open hazards (keys "checklist@area", in board order)."""
    keyed = lambda state: [f"{c['checklist_id']}@{c['area_id']}" for c in board["cells"] if c["state"] == state]
    return {"ready": board["ready"], "missing": len(board["missing"]), "passed": keyed("passed"),
            "open_hazards": keyed("open_hazards")}


def screen_state(vector):
    """Return the full screen state of a vector: its snapshot, then its events, at its `now`."""
    venue = venue_named(vector["venue"])
    now = ev.parse_iso(vector["now"])
    return screen(sections_after(venue, vector["snapshot"], vector["events"], now))


def as_expected(state, expected):
    """Return the part of a full screen state that a vector's `expected` speaks about.

    `expected.patrols` lists the checkpoints a vector is about; every other key is compared whole.
    """
    out = {k: state[k] for k in SCREEN_KEYS}
    out["patrols"] = {cp: state["patrols"].get(cp) for cp in expected.get("patrols", {})}
    return out


def at_snapshot(vector):
    """Return the screen state of a vector's snapshot alone, at its own server time."""
    venue = venue_named(vector["venue"])
    snapshot = vector["snapshot"]
    return sections_after(venue, snapshot, [], ev.parse_iso(snapshot["server_time"]))

