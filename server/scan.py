"""Whole-projection scans for the watcher's timers: decoded and filtered off the loop.

A timer looks for the few entries that need a human (an incident nobody acknowledged, an
assignment nobody accepted, an open alert, a hazard left open) among every entry of the
retention period: at a congress, tens of thousands. Decoding them all on the loop held every
request for up to a second per watcher tick over a million events; here a worker thread
(server/offload.py) decodes and filters them and only the matches come back, opened.
"""
import json

from server.offload import run_heavy


def matching(ctx, name, keep):
    """Return {field: entry} of a projection's entries for which keep(entry) holds.

    `keep` sees the entry as stored, so it may read only fields that are never sealed.
    """
    found = run_heavy(ctx, _kept, ctx.store.projection_text(name), keep, kind="scan")
    return ctx.store.open_rows({name: found})[name]


def _kept(texts, keep):
    """Return the decoded entries that keep() accepts (pure)."""
    out = {}
    for fld, text in texts.items():
        entry = json.loads(text)
        if entry and keep(entry):
            out[fld] = entry
    return out
