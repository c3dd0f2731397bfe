"""The clearance part: each round's start, end, duration and the zones swept again (pure)."""
from server.clearance.fold import COMPLETED, CONFIRMED, POST_EVENT
from server.phase.fold import CHANGED as PHASE_CHANGED
from server.reports.figures import joined, minutes, when


def rounds(window, events):
    """Return one row per clearance round that began in the window (its id: the phase change's id)."""
    rows = {}
    for event in events:
        data = event["data"]
        if event["type"] == PHASE_CHANGED and data["phase"] == POST_EVENT and window.holds(when(event)):
            rows[event["id"]] = {"start": when(event), "end": None, "confirmations": [], "zones": 0}
        elif event["type"] == CONFIRMED and data["round_id"] in rows:
            rows[data["round_id"]]["confirmations"].append(data)
        elif event["type"] == COMPLETED and data["round_id"] in rows:
            rows[data["round_id"]].update(end=when(event), zones=data["zones"])
    return rows


def row_of(window, round_id, info):
    """Return a round as a report row."""
    sweeps = {}
    for confirmation in info["confirmations"]:
        sweeps.setdefault(confirmation["zone_id"], []).append(confirmation["people_found"])
    found = [zone for zone, counts in sweeps.items() if any(counts)]
    end = info["end"]
    return {"round_id": round_id, "started_at": window.local(info["start"]), "completed_at": window.local(end),
            "duration_min": minutes(end - info["start"]) if end else None, "zones_cleared": info["zones"],
            "zones_with_people": joined(found),
            "people_found": sum(sum(counts) for counts in sweeps.values()),
            "zones_reswept": joined(zone for zone, counts in sweeps.items() if len(counts) > 1)}


def part(venue, window, events):
    """Return the clearance part."""
    table = [row_of(window, rid, info) for rid, info in rounds(window, events).items()]
    done = [r["duration_min"] for r in table if r["duration_min"] is not None]
    return {"summary": {"rounds": len(table), "completed": len(done),
                        "longest_duration_min": max(done) if done else None},
            "tables": {"rounds": table}}
