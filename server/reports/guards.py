"""The per-guard part (the daily activity report): what each guard did and when (pure)."""
from server.clearance.fold import CONFIRMED as CLEARANCE
from server.incidents.fold import REPORTED as INCIDENT
from server.inspections.fold import RECORDED as INSPECTION
from server.patrols.fold import CHECKIN
from server.posts.fold import ON_DUTY
from server.reports.figures import when
from server.visitors.fold import REGISTERED as VISITOR

COUNTED = {CHECKIN: "checkins", VISITOR: "visitors", INCIDENT: "incidents", INSPECTION: "inspections",
           CLEARANCE: "clearance_confirmations", ON_DUTY: "duty_starts"}


def part(venue, window, events, names=None):
    """Return one row per guard who did anything in the window (sign-ins and -outs aside)."""
    names = names or {}
    rows = {}
    for event in events:
        actor = event["actor"]
        if actor.get("role") != "guard" or event["type"].startswith("user.") or not window.holds(when(event)):
            continue
        at = when(event)
        row = rows.setdefault(actor["username"], {"guard": actor["username"],
                                                  "display_name": names.get(actor["username"], actor["username"]),
                                                  "first": at, "last": at, **dict.fromkeys(COUNTED.values(), 0)})
        row["first"], row["last"] = min(row["first"], at), max(row["last"], at)
        if event["type"] in COUNTED:
            row[COUNTED[event["type"]]] += 1
    table = [{**row, "first": window.local(row["first"]), "last": window.local(row["last"])}
             for row in sorted(rows.values(), key=lambda r: r["guard"])]
    return {"summary": {"guards": len(table)}, "tables": {"guards": table}}
