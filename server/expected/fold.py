"""Expected-visitor imports as a fold of events: counts per import (pure: no I/O)."""
NAME = "expected_imports"
IMPORTED = "visitor.expected_imported"


def touches(_event):
    """Return nothing: an import depends on no earlier state."""
    return []


def apply(state, event):
    """Fold an import: how many rows for which days, when and by whom."""
    if event["type"] != IMPORTED:
        return {}
    data = event["data"]
    return {data["import_id"]: {**data, "imported_at": event["ts"], "imported_by": event["actor"]["username"]}}


def dates(entries):
    """Return every day an import listed, sorted."""
    return sorted({day for entry in entries.values() for day in entry.get("dates", {})})
