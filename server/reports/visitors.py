"""The visitors and vehicles part: counts only, no names (pure)."""
from server.expected.fold import IMPORTED as EXPECTED_IMPORTED
from server.reports.figures import when
from server.vehicles.fold import ENTERED, LEFT
from server.visitors.fold import CHECKED_OUT, REGISTERED
from server.visitors.overstay import KIND as OVERSTAY
from server.watchlist.hits import CONFIRMED, DENIED, DISMISSED, HIT

ALERT_RAISED = "alert.raised"


def per_hour(venue, window, registered):
    """Return visitors registered per venue-local hour per entrance."""
    entrances = [e.id for e in venue.entrances]
    counts = {}
    for at, event in registered:
        row = counts.setdefault(window.hour(at), dict.fromkeys(entrances, 0))
        gate = event["data"]["entrance_id"]
        row[gate] = row.get(gate, 0) + 1
    return [{"hour": hour, **row, "total": sum(row.values())} for hour, row in sorted(counts.items())]


def peak(window, events, on_site_before):
    """Return (most visitors on site at once, when first reached) over the window."""
    inside, best, best_at = set(), 0, None
    count = on_site_before
    for event in events:
        at = when(event)
        if event["type"] == REGISTERED and at < window.end:
            inside.add(event["data"]["visitor_id"])
        elif event["type"] == CHECKED_OUT and event["data"]["visitor_id"] in inside and at < window.end:
            inside.discard(event["data"]["visitor_id"])
        else:
            continue
        if window.holds(at) and count + len(inside) > best:
            best, best_at = count + len(inside), at
    return best, (window.local(best_at) if best_at else "")


def expected_days(window, imports):
    """Return {day: rows expected} over the window's days, from every expected-list import."""
    days = dict.fromkeys(window.days(), 0)
    for event in imports:
        for day, count in event["data"]["dates"].items():
            if day in days:
                days[day] += count
    return days


def vehicles(venue, window, events):
    """Return per gate: vehicles in, out, and no-pass alerts."""
    rows = {e.id: {"entrance_id": e.id, "in": 0, "out": 0, "no_pass": 0} for e in venue.entrances if e.vehicles}
    for event in events:
        if event["type"] not in (ENTERED, LEFT) or not window.holds(when(event)):
            continue
        row = rows.setdefault(event["data"]["entrance_id"],
                              {"entrance_id": event["data"]["entrance_id"], "in": 0, "out": 0, "no_pass": 0})
        row["in" if event["type"] == ENTERED else "out"] += 1
        row["no_pass"] += bool(event["type"] == ENTERED and event["data"].get("no_pass"))
    return list(rows.values())


def part(venue, window, events, imports=(), on_site_before=0):
    """Return the visitors and vehicles part."""
    inside = [e for e in events if window.holds(when(e))]
    registered = [(when(e), e) for e in inside if e["type"] == REGISTERED]
    kinds = [e["type"] for e in inside]
    hits = [e for e in inside if e["type"] == HIT]
    overstays = [e for e in inside if e["type"] == ALERT_RAISED and e["data"].get("kind") == OVERSTAY]
    most, most_at = peak(window, events, on_site_before)
    expected = expected_days(window, [e for e in imports if e["type"] == EXPECTED_IMPORTED])
    arrived = {day: 0 for day in expected}
    for at, event in registered:
        if event["data"].get("expected"):
            arrived[window.day(at)] = arrived.get(window.day(at), 0) + 1
    gates = vehicles(venue, window, events)
    return {"summary": {"registered": len(registered), "checked_out": kinds.count(CHECKED_OUT),
                        "peak_on_site": most, "peak_at": most_at,
                        "expected": sum(expected.values()), "expected_arrived": sum(arrived.values()),
                        "overstays": len(overstays), "watchlist_hits": len(hits),
                        "watchlist_possible": sum(1 for e in hits if e["data"]["match"] == "possible"),
                        "watchlist_confirmed": kinds.count(CONFIRMED),
                        "watchlist_dismissed": kinds.count(DISMISSED), "denials": kinds.count(DENIED),
                        "vehicles_in": sum(g["in"] for g in gates), "no_pass_alerts": sum(g["no_pass"] for g in gates)},
            "tables": {"per_hour": per_hour(venue, window, registered),
                       "expected": [{"day": d, "expected": expected[d], "arrived": arrived.get(d, 0)} for d in expected],
                       "vehicles": gates}}
