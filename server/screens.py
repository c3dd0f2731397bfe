"""This process's copy of what the sections are computed from, folded forward batch by batch.

The stream tailer hands every batch it reads to `Screens.advance`, which applies the same
pure folds the commit ran (server/ledger.py) to the projections the sections read, recomputes
the sections those events touched, and answers the rows that changed: the patches of the live
frames, before they are shaped per audience (DESIGN §5). Nothing here talks to Socket.IO.
"""
import datetime as dt

from server import events as ev
from server import ledger, merge, snapshot

# A section whose rows change with time alone is recomputed at most this often when no event
# touched it: every batch cost ~0.7 ms of every push (the readiness board, the programme).
TIMED_EVERY = dt.timedelta(seconds=1)


class Screens:
    """The sections' inputs and rows at the tailer's position."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.sections = snapshot.all_sections(ctx.registry)
        # What each section is computed from, once: the batch's touched names are matched to it.
        self.inputs = [(section, frozenset({*section.reads, *(r[:2] for r in section.recent)}))
                       for section in self.sections]
        names, self.windows = snapshot.reads_needed(ctx.registry)
        self.folds = [f for f in ctx.registry.folds if f.NAME in names]
        self.folds_for = ledger.folds_reading(self.folds, ctx.registry)  # most read few of the types
        self.reads = None
        self.rows = {}
        self.before = {}  # section -> {key: row before the last batch} of the rows it changed
        self.computed_at = {}  # section -> the `now` its rows were last computed for

    def load(self):
        """Read the projections and index windows atomically; return the cursor they are at."""
        cursor, self.reads, _ = snapshot.read(self.ctx)
        self.rows = snapshot.rows_of(self.ctx, self.reads, self.sections)
        return cursor

    def advance(self, batch):
        """Fold a batch in; return {section: {key: row | None}} of the rows it changed."""
        touched, entries = set(), {}
        for event in batch:
            for fold in self.folds_for(event["type"]):
                current = self.reads.projections[fold.NAME]
                delta = fold.apply(current, event)
                for key, value in delta.items():
                    merge.apply(current, key, value)
                if delta:
                    touched.add(fold.NAME)
                    entries.setdefault(fold.NAME, set()).update(delta)
            for kind, value, _span in self.windows:
                if kind == "type" and event["type"] == value:
                    self.reads.recent.setdefault((kind, value), []).append(event["id"])
                    touched.add((kind, value))
        self.reads.now = ev.utc_now()
        self._trim_windows()
        changed = {}
        for section, inputs in self.inputs:
            hit = touched & inputs
            if self._due(section) or (hit and not self._keyed(section, hit)):
                diff = self._recompute(section)
            elif hit:
                diff = self._recompute_keys(section, entries[section.reads[0]])
            else:
                continue
            if diff:
                changed[section.name] = diff
        return changed

    @staticmethod
    def _keyed(section, hit):
        """Tell whether a section's changed rows are named by the entries the batch changed."""
        return section.rows_for is not None and hit == {section.reads[0]}

    def _due(self, section):
        """Tell whether a timed section's rows may have changed with time since last computed."""
        last = self.computed_at.get(section.name)
        return section.timed and (last is None or not last <= self.reads.now < last + TIMED_EVERY)

    def _recompute(self, section):
        """Recompute one section; return its changed rows (None for a row gone)."""
        self.computed_at[section.name] = self.reads.now
        before = self.rows.get(section.name, {})
        after = section.rows(self.ctx, self.reads)
        self.rows[section.name] = after
        diff = {key: row for key, row in after.items() if before.get(key) != row}
        diff.update({key: None for key in before if key not in after})
        self.before[section.name] = {key: before.get(key) for key in diff}
        return diff

    def _recompute_keys(self, section, keys):
        """Recompute the rows of some keys only; return those that changed (None for a row gone)."""
        rows = self.rows.setdefault(section.name, {})
        fresh = section.rows_for(self.ctx, self.reads, keys)
        diff = {key: row for key, row in fresh.items() if rows.get(key) != row}
        diff.update({key: None for key in keys if key in rows and key not in fresh})
        self.before[section.name] = {key: rows.get(key) for key in diff}
        for key, row in diff.items():
            if row is None:
                del rows[key]
            else:
                rows[key] = row
        return diff

    def _trim_windows(self):
        """Drop index ids older than their window's span."""
        for kind, value, span in self.windows:
            ids = self.reads.recent.get((kind, value))
            if not ids:
                continue
            since = int((self.reads.now - span).timestamp() * 1000)
            keep = next((i for i, sid in enumerate(ids) if ev.id_ms(sid) >= since), len(ids))
            if keep:
                del ids[:keep]

    def shaped(self, viewer):
        """Return every section a viewer reads, shaped, at this position (a resumed client's reset)."""
        return snapshot.for_viewer(self.ctx.registry, self.rows, viewer)

    def patches(self, changed, viewer):
        """Return the patches of changed rows a viewer receives."""
        out = {}
        for section in self.sections:
            if section.name in changed:
                patch = snapshot.shape_patch(section, changed[section.name], viewer,
                                             self.before.get(section.name, {}))
                if patch:
                    out[section.name] = patch
        return out
