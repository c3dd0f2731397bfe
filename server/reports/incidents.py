"""The incidents part: counts, reaction times against the escalation thresholds, SOP, agencies (pure)."""
from server.incidents import lifecycle as lc
from server.incidents.fold import REPORTED
from server.reports.figures import joined, median, minutes, p90, recorded, when

ACKNOWLEDGED = lc.EVENT_OF["acknowledge"]
RESOLVED = lc.EVENT_OF["resolve"]
NOTIFIED = lc.EVENT_OF["notify_agency"]
DUPLICATE = lc.EVENT_OF["mark_duplicate"]
SEVERITIES = (1, 2, 3, 4)


def reported_in(window, events):
    """Return {incident_id: the incident.reported event} of incidents that happened in the window."""
    return {e["data"]["incident_id"]: e for e in events if e["type"] == REPORTED and window.holds(when(e))}


def first_of(events, event_type, incidents):
    """Return {incident_id: when the first event of a type about it was recorded}."""
    out = {}
    for event in events:
        incident = event["data"].get("incident_id")
        if event["type"] == event_type and incident in incidents and incident not in out:
            out[incident] = recorded(event)
    return out


def reaction_rows(incidents, acked, resolved, rules):
    """Return per severity: time to acknowledge and to resolve (median, p90, max) and the threshold.

    Times count from when the server recorded the report, as the escalation timer does.
    """
    rows = []
    for severity in SEVERITIES:
        ids = [i for i, e in incidents.items() if e["data"]["severity"] == severity]
        if not ids:
            continue
        to_ack = [minutes(acked[i] - recorded(incidents[i])) for i in ids if i in acked]
        to_fix = [minutes(resolved[i] - recorded(incidents[i])) for i in ids if i in resolved]
        threshold = rules.escalate_after(severity)
        rows.append({"severity": severity, "incidents": len(ids), "acknowledged": len(to_ack),
                     "ack_median_min": median(to_ack), "ack_p90_min": p90(to_ack),
                     "ack_max_min": max(to_ack) if to_ack else None, "escalate_after_min": threshold,
                     "ack_over_threshold": sum(1 for m in to_ack if threshold is not None and m > threshold),
                     "resolved": len(to_fix), "resolve_median_min": median(to_fix),
                     "resolve_p90_min": p90(to_fix), "resolve_max_min": max(to_fix) if to_fix else None})
    return rows


def by_category(venue, incidents):
    """Return one row per category with its count per severity."""
    rows = {}
    for event in incidents.values():
        cat = event["data"]["category"]
        row = rows.setdefault(cat, {"category": cat, **{f"severity_{s}": 0 for s in SEVERITIES}, "total": 0})
        row[f"severity_{event['data']['severity']}"] += 1
        row["total"] += 1
    order = [c.id for c in venue.incident_categories]
    return sorted(rows.values(), key=lambda r: order.index(r["category"]) if r["category"] in order else 99)


def sop_skipped(venue, window, events, incidents):
    """Return the resolutions that left SOP steps unticked, with the steps and the reason."""
    rows = []
    for event in events:
        incident = event["data"].get("incident_id")
        if event["type"] != RESOLVED or incident not in incidents or not event["data"].get("skipped_steps"):
            continue
        rows.append({"incident_id": incident, "category": incidents[incident]["data"]["category"],
                     "resolved_at": window.local(recorded(event)),
                     "steps": joined(n + 1 for n in event["data"]["skipped_steps"]),
                     "reason": event["data"].get("reason", "")})
    return rows


def agencies(window, events, incidents):
    """Return each agency notified: for which incident, when, and the reference it gave."""
    return [{"incident_id": e["data"]["incident_id"], "agency": e["data"]["agency"],
             "at": window.local(recorded(e)), "reference": e["data"].get("reference", "")}
            for e in events if e["type"] == NOTIFIED and e["data"]["incident_id"] in incidents]


def part(venue, window, events):
    """Return the incidents part."""
    incidents = reported_in(window, events)
    acked = first_of(events, ACKNOWLEDGED, incidents)
    resolved = first_of(events, RESOLVED, incidents)
    rules = venue.section("incident_rules")
    duplicates = [{"incident_id": e["data"]["incident_id"], "duplicate_of": e["data"]["of"],
                   "at": window.local(recorded(e))}
                  for e in events if e["type"] == DUPLICATE and e["data"]["incident_id"] in incidents]
    reactions = reaction_rows(incidents, acked, resolved, rules)
    skipped = sop_skipped(venue, window, events, incidents)
    notified = agencies(window, events, incidents)
    return {"summary": {"incidents": len(incidents), "acknowledged": len(acked), "resolved": len(resolved),
                        "ack_over_threshold": sum(r["ack_over_threshold"] for r in reactions),
                        "sop_skipped": len(skipped), "agencies_notified": len(notified),
                        "duplicates": len(duplicates)},
            "tables": {"by_category": by_category(venue, incidents), "reaction": reactions,
                       "sop_skipped": skipped, "agencies": notified, "duplicates": duplicates}}
