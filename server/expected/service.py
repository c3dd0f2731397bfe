"""Expected visitors: import a CSV list (all or nothing), look a document up at the gate,
compare expected with arrived."""
import datetime as dt
import hashlib
import json
import uuid

from server import events as ev
from server import ledger, offload
from server.errors import InvalidInput, NotFound, Text
from server.expected import csvrows, rows
from server.expected.fold import IMPORTED, NAME, dates
from server.identity.idcheck import mask_id
from server.identity.records import VISITORS, vault

NOT_EXPECTED = Text("This document is not on today's expected list.", "该证件不在今日预约名单中。")


def _refused(count):
    """Return the message of a refused file: nothing imported, how many problems (listed by line)."""
    return Text(f"Nothing was imported: the file has {count} problem(s), each listed with its line and column. "
                "Correct them and import the file again.",
                f"未导入任何数据：文件中有 {count} 处错误（逐条列出行号和列名），请改正后重新导入。")


def _public(row, expected_id, import_id, now):
    """Return the row as stored and shown: the ID number masked."""
    return {"expected_id": expected_id, "name": row["name"], "id_type": row["id_type"],
            "id_masked": mask_id(row["id_number"]), "organization": row["organization"], "host": row["host"],
            "date": row["date"], "plate": row["plate"], "plate_unusual": row["plate_unusual"],
            "import_id": import_id, "line": row["line"], "imported_at": now}


def row_id(date, blind):
    """Return the id of a (document, day)'s row: the same for every import, so racing imports of one
    document and day write one row, and the atomic commit leaves the last one."""
    return hashlib.sha256(f"expected row\0{date}\0{blind}".encode()).hexdigest()[:32]


def _row_ops(ctx, keys, row, blind, indexed, import_id, now):
    """Return the record writes of one row (a re-imported document and day replaces its row)."""
    # A row imported before ids were derived keeps its own id (it is replaced, not doubled).
    expected_id = indexed or row_id(row["date"], blind)
    public = json.dumps(_public(row, expected_id, import_id, now), ensure_ascii=False)
    return expected_id, [
        ("HSET", rows.day_key(ctx, row["date"]), expected_id, public),
        ("HSET", rows.sealed_key(ctx, expected_id), "id", keys.encrypt(row["id_number"], expected_id),
         "bi", blind, "row", public),
        ("HSET", rows.index_key(ctx, row["date"], blind), "row", expected_id)]


def import_expected(ctx, *, actor, raw, idem=None):
    """Import an expected-visitor CSV in one commit; any bad row refuses the whole file (400)."""
    found, problems = offload.run_heavy(ctx, csvrows.read, raw, kind="csv",
                                        today=dt.date.fromisoformat(rows.today(ctx)))
    if problems:
        raise InvalidInput(_refused(len(problems)), fields={"file": Text(f"{len(problems)} problem(s)", f"{len(problems)} 处错误")},
                           code="rows_rejected", current={"rejected": problems})
    import_id, now = uuid.uuid4().hex, ev.iso(ev.utc_now())
    keys = vault(ctx)
    blinds = [keys.blind_index(row["id_type"], row["id_number"]) for row in found]
    # The rows already indexed, read at once: one round trip per row held the request loop's
    # turn 5,000 times, each waiting for the interpreter behind the photo and CSV workers.
    indexed = ctx.store.lookup(((rows.INDEX, row["date"], blind), "row") for row, blind in zip(found, blinds))
    ops, per_day, ids = [], {}, set()
    for row, blind in zip(found, blinds):
        expected_id, writes = _row_ops(ctx, keys, row, blind, indexed[((rows.INDEX, row["date"], blind), "row")],
                                       import_id, now)
        ids.add(expected_id)
        ops.extend(writes)
        per_day[row["date"]] = per_day.get(row["date"], 0) + 1
    event = ev.draft(IMPORTED, actor=actor, data={"import_id": import_id, "count": len(found),
                                                  "dates": dict(sorted(per_day.items()))})
    return ledger.record(ctx, [event], idem=idem, ops=ops, body=lambda envs: {
        "import_id": import_id, "imported": len(found), "dates": dict(sorted(per_day.items())),
        "rejected": [], "event": envs[0]})


def lookup(ctx, *, id_type, id_number):
    """Return the prefill of a registration for a document on today's list, or raise NotFound."""
    row = rows.row_of(ctx, vault(ctx).blind_index(id_type, id_number))
    if row is None:
        raise NotFound(NOT_EXPECTED)
    return {k: row[k] for k in ("expected_id", "name", "id_type", "id_masked", "organization", "host", "date",
                                "plate")}


def _arrivals(ctx):
    """Return {expected row id: the latest visitor registered against it}."""
    latest = {}
    for visitor in ctx.store.projection(VISITORS).values():
        row = visitor.get("expected_id")
        if row and visitor["registered_at"] > latest.get(row, {}).get("registered_at", ""):
            latest[row] = visitor
    return latest


def expected_vs_arrived(ctx, *, date=None):
    """Return one day's expected rows, each marked arrived or not yet, with the counts."""
    date = date or rows.today(ctx)
    arrived = _arrivals(ctx)
    listed = []
    for row in rows.day_rows(ctx, date):
        visitor = arrived.get(row["expected_id"])
        listed.append({**{k: v for k, v in row.items() if k not in ("import_id", "imported_at")},
                       "arrived": visitor is not None, "visitor_id": visitor and visitor["visitor_id"],
                       "arrived_at": visitor and visitor["registered_at"],
                       "on_site": bool(visitor and visitor.get("on_site"))})
    return {"date": date, "expected": len(listed), "arrived": sum(r["arrived"] for r in listed),
            "dates": dates(ctx.store.projection(NAME)), "rows": listed}
