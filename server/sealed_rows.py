"""Projection entries keep no personal field in the clear: sealed like the events they fold.

A concept declares the fields of its projection's entries that identify a person
(`server.concept.PersonalRows`). Whatever writes a projection (a commit in `ledger.record`, or
`gatewatch rebuild`) stores each such entry with those fields removed, their masked forms in
the clear, and a `sealed` token: the fields sealed (AES-GCM) under the person's data key — the
key their events are sealed under, which the purge erases. The store opens the entries on every
read (`RowsOpener`, one data-key lookup per read), so folds, sections and services see them
whole; once the key is gone they read "" (the masked forms stay). The ledger's optimistic
guards compare the stored text, so they are unchanged.
"""
import logging

from server.merge import IfNewer
from server.sealing import DATA_KEY, SEALED, _context, _unwrapped
from server.vault import VaultError

log = logging.getLogger("gatewatch.sealing")
CACHED = 50_000  # opened entries kept per process (a venue's visitors over the retention period)


def _record(spec, entry):
    """Return the key parts of the data key's record of an entry's person (None: names nobody)."""
    subject = spec.subject(entry) if isinstance(entry, dict) else None
    return tuple(str(part) for part in spec.record(subject)) if subject else None


def _row_context(record, name, fld):
    """Return the associated data binding a sealed entry to its projection, field and person."""
    return _context("row", record, f"{name}\0{fld}")


# -- writing -------------------------------------------------------------------------------

def seal_rows(ctx, projections, keys, reuse=None):
    """Return {name: {field: value}} as stored: each personal entry's fields sealed.

    `keys` ({record: data key or None}) holds the keys already known (those `seal_events`
    made or read for the same commit); the others are read in one round trip and added to it.
    `reuse` ({(name, field): (entry, stored copy)}), when given, returns the stored copy of an
    entry that is the very same object as last time (the folds replace an entry they change), and
    remembers the new ones: successive checkpoints of one growing state seal only what changed.
    """
    specs = ctx.registry.personal_rows
    todo = [(name, fld, value, specs[name], _record(specs[name], value))
            for name, values in projections.items() if name in specs for fld, value in values.items()]
    todo = [item for item in todo if item[4]]
    if not todo:
        return projections
    missing = sorted({record for *_, record in todo if record not in keys})
    if missing:
        found = ctx.store.lookup([(record, DATA_KEY) for record in missing])
        keys.update({record: _unwrapped(ctx.sealer, found.get((record, DATA_KEY)), record) for record in missing})
    stored = {name: dict(values) for name, values in projections.items()}
    for name, fld, value, spec, record in todo:
        before = reuse.get((name, fld)) if reuse is not None else None
        if before is not None and before[0] is value:  # identity, not equality: unchanged since
            sealed = before[1]
        else:
            sealed = _sealed(ctx.sealer, value, spec, keys[record], _row_context(record, name, fld))
            if reuse is not None:
                reuse[(name, fld)] = (value, sealed)  # holding `value` keeps its identity unique
        stored[name][fld] = IfNewer(sealed, value.order_key) if isinstance(value, IfNewer) else sealed
    return stored


def _secret(spec, fld, value):
    """Tell whether a field's value says more than its clear form ("" or its mask)."""
    if value in ("", None):
        return False
    return fld not in spec.masked or spec.masked[fld](value) != value


def _sealed(sealer, entry, spec, data_key, context):
    """Return the stored copy of an entry: its personal fields sealed, masked forms in the clear."""
    secret = {f: entry[f] for f in spec.fields if f in entry and _secret(spec, f, entry[f])}
    if not secret:
        return dict(entry)  # nothing personal (e.g. a purged visitor's anonymous record)
    stored = {k: v for k, v in entry.items() if k not in secret}
    stored.update({f: mask(entry[f]) for f, mask in spec.masked.items() if f in secret})
    if data_key is not None:  # else the person was purged meanwhile: nothing personal is written
        stored[SEALED] = sealer.seal(data_key, secret, context)
    return stored


# -- reading -------------------------------------------------------------------------------

class RowsOpener:
    """Open the sealed entries of projections as read (the store calls it on every read)."""

    def __init__(self, specs, sealer):
        """Keep the declared personal projections ({name: PersonalRows}) and the sealer."""
        self.specs = dict(specs)
        self.sealer = sealer
        # (token, wrapped data key) -> opened fields: every /api/v1/state opens every visitor of
        # the retention period (~50 µs each). Keyed by the wrapped key as read now, so an entry
        # whose key was erased never opens from here.
        self._opened_cache = {}

    def __call__(self, projections, lookup, shown_only=False):
        """Open {name: {field: decoded entry}} in place, one `lookup` for all; return it.

        `shown_only` (the sections' reads): an entry its `PersonalRows.shown` says no section
        shows is not opened; it reads as a purged one does (its masked forms, the rest "").
        """
        sealed = [(name, fld, entry, self.specs[name]) for name, entries in projections.items()
                  if name in self.specs for fld, entry in entries.items()
                  if isinstance(entry, dict) and SEALED in entry]
        if shown_only:
            sealed = [item for item in sealed if self._shown(projections, *item)]
        sealed = [(name, fld, entry, spec, _record(spec, entry)) for name, fld, entry, spec in sealed]
        sealed = [item for item in sealed if item[4]]
        if not sealed:
            return projections
        records = sorted({item[4] for item in sealed})
        found = lookup([(record, DATA_KEY) for record in records])
        failed, keys = [], {}
        for name, fld, entry, spec, record in sealed:
            wrapped, context = found.get((record, DATA_KEY)), _row_context(record, name, fld)
            fields = self._opened_cache.get((entry[SEALED], wrapped, context)) if wrapped else None
            if fields is None and wrapped:
                if record not in keys:
                    keys[record] = _unwrapped(self.sealer, wrapped, record, failed)
                fields = self._open(entry, keys[record], context, failed)
                if fields is not None:
                    self._remember((entry[SEALED], wrapped, context), fields)
            opened = {k: v for k, v in entry.items() if k != SEALED}
            opened.update(fields if fields is not None else {f: "" for f in spec.fields if f not in opened})
            projections[name][fld] = opened
        if failed:  # one line per read, not one per entry: a missing master key hits them all
            log.error("%d sealed projection entries do not open (%s); they read erased", len(failed), failed[0])
        return projections

    @staticmethod
    def _shown(projections, name, fld, entry, spec):
        """Tell whether a section may show an entry; if not, leave it in place unopened."""
        if spec.shown is None or spec.shown(entry):
            return True
        del entry[SEALED]  # in place: the entry was decoded for this read only
        for f in spec.fields:
            entry.setdefault(f, "")
        return False

    def _open(self, entry, data_key, context, failed):
        """Return the sealed fields of an entry, or None when its key is gone or does not open."""
        if data_key is None:
            return None
        try:
            return self.sealer.open(data_key, entry[SEALED], context)
        except VaultError:  # tampered, or sealed for another entry
            failed.append(f"an entry sealed as {context.split(chr(0))[-1]!r} does not authenticate")
            return None

    def _remember(self, key, fields):
        """Keep opened fields for the next read, forgetting the oldest past CACHED entries."""
        if len(self._opened_cache) >= CACHED:
            try:
                self._opened_cache.pop(next(iter(self._opened_cache)))
            except (StopIteration, KeyError, RuntimeError):  # another thread trimmed it first
                pass
        self._opened_cache[key] = fields
