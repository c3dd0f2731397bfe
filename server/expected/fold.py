"""Expected-visitor imports as a fold of events: counts per import (pure: no I/O)."""
NAME = "expected_imports"
IMPORTED = "visitor.expected_imported"
PURGED = "visitor.expected_purged"
EVENTS = frozenset({IMPORTED, PURGED})


def touches(_event):
    """Return nothing: an import depends on no earlier state."""
    return []


def apply(state, event):
    """Fold an import (how many rows for which days, when, by whom) or a day's list purged."""
    data = event["data"]
    if event["type"] == PURGED:
        return {f"purged:{data['date']}": {"purged_day": data["date"], "count": data["count"],
                                           "purged_at": event["ts"]}}
    if event["type"] != IMPORTED:
        return {}
    return {data["import_id"]: {**data, "imported_at": event["ts"], "imported_by": event["actor"]["username"]}}


def dates(entries):
    """Return every day an import listed, sorted."""
    return sorted({day for entry in entries.values() for day in entry.get("dates", {})})


def unpurged(entries):
    """Return the days an import listed whose list was not purged yet, sorted."""
    gone = {entry["purged_day"] for entry in entries.values() if "purged_day" in entry}
    return [day for day in dates(entries) if day not in gone]
