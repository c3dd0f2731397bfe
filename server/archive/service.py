"""Export a venue to an archive file, and import one into an empty store."""
import getpass
import json
import os

from server import events as ev
from server import ledger, sealed_rows
from server.archive import codec
from server.audit import actions, service as audit
from server.errors import Conflict, InvalidInput
from server.store import archive as raw
from server.store import auditlog
from server.store.commit import index_keys

IMPORT_BATCH = 5000


def sealed_keys(ctx):
    """Return what the header says is sealed: fields per event type and projection, and the master keys."""
    registry = ctx.registry
    return {"events": {name: list(kind.personal.fields) for name, kind in sorted(registry.types.items())
                       if kind.personal},
            "rows": {name: list(spec.fields) for name, spec in sorted(registry.personal_rows.items())},
            "data_key_field": "dk",
            "master_key_ids": list(ctx.sealer.vault.keys)}


def _bounds(from_ms, to_ms):
    """Return the XRANGE bounds (bytes) of a time window."""
    low = f"{from_ms}-0" if from_ms is not None else "-"
    high = f"{to_ms}-18446744073709551615" if to_ms is not None else "+"
    return low.encode(), high.encode()


def export(ctx, out, *, actor, from_ms=None, to_ms=None, name=""):
    """Write the archive to a binary file object; return {events, records, audit}.

    The export is audited first (no entry, no archive), so the archive carries its own entry.
    """
    audit.record_action(ctx, actor=actor, action=actions.EXPORT, subject=os.path.basename(name) or "-",
                        detail={"from": from_ms and ev.ms_to_iso(from_ms), "to": to_ms and ev.ms_to_iso(to_ms),
                                "os_user": _os_user()})
    out.write(codec.json_line({"kind": "header", "format": codec.FORMAT, "version": codec.VERSION,
                               "venue": ctx.venue.id, "exported_at": ev.iso(ev.utc_now()),
                               "range": {"from": from_ms and ev.ms_to_iso(from_ms),
                                         "to": to_ms and ev.ms_to_iso(to_ms)},
                               "sealed": sealed_keys(ctx)}))
    counts = {"events": 0, "records": 0, "audit": 0, "last_id": None}
    client = raw.raw_client(ctx.store)
    try:
        for chunk in raw.chunks(ctx.store, client, *_bounds(from_ms, to_ms)):
            out.write(b"".join([codec.event_line(sid, flat) for sid, flat in chunk]))
            counts["events"] += len(chunk)
            counts["last_id"] = chunk[-1][0].decode()
    finally:
        client.close()
    for record in raw.read_records(ctx.store, raw.record_keys(ctx.store)):
        out.write(codec.record_line(*record))
        counts["records"] += 1
    for sid, text, digest in auditlog.scan(ctx.store):
        out.write(codec.json_line({"kind": "audit", "id": sid, "b": text, "h": digest}))
        counts["audit"] += 1
    out.write(codec.json_line({"kind": "end", **counts, "audit_head": auditlog.head(ctx.store)}))
    return counts


def _os_user():
    """Return who runs the command on this machine (recorded with the export)."""
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (a container): the uid says enough
        return str(os.getuid())


def import_archive(ctx, source, *, actor):
    """Read an archive (binary lines) into an EMPTY store; rebuild projections; return the counts."""
    if not raw.is_empty(ctx.store):
        raise Conflict("The store is not empty: an archive imports only into an empty store.")
    header = _header(ctx, source.readline())
    try:
        counts = _restore(ctx, source)
    except Exception:
        raw.clear(ctx.store)  # it was empty: leave it so, not half imported
        raise
    rebuild(ctx)
    audit.record_action(ctx, actor=actor, action=actions.IMPORT, subject=header["exported_at"],
                        detail={"events": counts["events"], "os_user": _os_user()})
    return counts


def _restore(ctx, source):
    """Write the archive's events, records and audit chain back; return the counts."""
    counts, end, batch, records, audit_items = {"events": 0, "records": 0, "audit": 0}, None, [], [], []
    for line in source:
        if line.startswith(codec.EVENT_PREFIX):
            batch.append(codec.entry_fields(line, ctx.store.dumps))
            if len(batch) >= IMPORT_BATCH:
                counts["events"] += _flush(ctx, batch)
            continue
        item = json.loads(line)
        if item.get("kind") == "record":
            records.append(codec.record_of(item))
            if len(records) >= IMPORT_BATCH:
                counts["records"] += _flush(ctx, records, raw.write_records)
        elif item.get("kind") == "audit":
            audit_items.append((item["id"], item["b"], item["h"]))
        elif item.get("kind") == "end":
            end = item
    counts["events"] += _flush(ctx, batch)
    counts["records"] += _flush(ctx, records, raw.write_records)
    if end is None or end.get("events") != counts["events"]:
        raise InvalidInput("The archive is cut short (no end line, or fewer events than it says).", fields={"file": "truncated"})
    auditlog.restore(ctx.store, audit_items, end.get("audit_head") or {})
    counts["audit"] = len(audit_items)
    return counts


def _header(ctx, line):
    """Return the header line, refusing another format, version or venue."""
    try:
        header = json.loads(line)
    except ValueError:
        header = {}
    if header.get("format") != codec.FORMAT or header.get("version") != codec.VERSION:
        raise InvalidInput("Not a Gatewatch archive of a version this server reads.", fields={"file": "format"})
    if header.get("venue") != ctx.venue.id:
        raise InvalidInput(f"The archive is of venue {header.get('venue')!r}, this server's is {ctx.venue.id!r}.",
                      fields={"file": "venue"})
    return header


def _flush(ctx, batch, write=raw.write_entries):
    """Write a batch of entries (or records); return how many, emptying it."""
    count = len(batch)
    if batch:
        write(ctx.store, batch)
        batch.clear()
    return count


def fold_stream(ctx):
    """Return (every event, the projections folded from them): what `gatewatch rebuild` computes."""
    events = list(ctx.store.scan_events())
    return events, ledger.fold_all(ctx.registry.folds, events, registry=ctx.registry)


def write_rebuilt(ctx, events, state):
    """Replace the projections and timeline indexes with those of the folded stream."""
    indexes = {}
    for event in events:
        for key in index_keys(event):
            indexes.setdefault(key, []).append(event["id"])
    ctx.store.replace_projections(sealed_rows.seal_rows(ctx, state, {}), indexes)


def rebuild(ctx):
    """Recompute the projections and timeline indexes from the stream; return how many events."""
    events, state = fold_stream(ctx)
    write_rebuilt(ctx, events, state)
    return len(events)
