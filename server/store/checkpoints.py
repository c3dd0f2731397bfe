"""Fold checkpoints in Redis: the sections' inputs saved every N events, a cache for replay.

Per fold-code version:
- `ckpt:<version>`, a stream of saved positions: each entry's id is the id of the event after
  which the state was taken, so `XREVRANGE … COUNT 1` finds the nearest one at or before any
  cursor. An entry holds only what the sections can still show plus the entries the next N
  events read (server/checkpoints.py), as JSON, compressed, with its SHA-256.
- `ckpt-head:<version>`, a hash: the newest position (`at`, `n` events covered) and what the
  sections can show there (`z`, `sha`); and `ckpt-head:<version>:<projection>`, hashes holding
  every entry of the folds' state at that position, as the projections store them. The writer
  moves the head one window of N events at a time in one transaction guarded by WATCH, so two
  writers never both move it, and it reads only the entries a window's events touch.
"""
import redis

# A stream id larger than any real sequence part: "every id of this millisecond".
LAST_SEQ = 2**64 - 1
INDEX_IDS_BETWEEN = ("local ids = {} "
                     "for i, entry in ipairs(redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2])) do ids[i] = entry[1] end "
                     "return ids")


def _text(value):
    """Return bytes read from Redis as str (None stays None)."""
    return value.decode() if isinstance(value, bytes) else value


class Checkpoints:
    """Reads and writes of fold checkpoints, and the stream reads replay needs."""

    def __init__(self, store):
        self.store = store
        self.redis = store.redis

    def key(self, version):
        """Return the key of one fold-code version's saved positions."""
        return self.store.keys.of("ckpt", version)

    def head_key(self, version, name=None):
        """Return the key of a version's head: its meta hash, or one projection's entries."""
        return self.store.keys.of("ckpt-head", version, *((name,) if name else ()))

    # -- saved positions -----------------------------------------------------------------
    def at_or_before(self, version, cursor):
        """Return the newest saved position at or before cursor: (id, fields), or None."""
        found = self.store.binary.xrevrange(self.key(version), max=cursor, min="-", count=1)
        return (_text(found[0][0]), found[0][1]) if found else None

    def newest(self, version):
        """Return the newest saved position (id, fields), or None."""
        found = self.store.binary.xrevrange(self.key(version), count=1)
        return (_text(found[0][0]), found[0][1]) if found else None

    def count(self, version):
        """Return how many positions a version holds: the saved ones and its head."""
        return self.redis.xlen(self.key(version)) + (1 if self.redis.exists(self.head_key(version)) else 0)

    def memory(self, version):
        """Return the bytes Redis uses for a version's checkpoints (0 when none)."""
        keys = [self.key(version), self.head_key(version)]
        keys += list(self.redis.scan_iter(match=self.head_key(version, "*"), count=1000))
        return sum(self.redis.memory_usage(k) or 0 for k in keys)

    def rewrite(self, version, entries):
        """Replace a version's saved positions with these (id, fields) (for tests of damage)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(self.key(version))
        for event_id, fields in entries:
            pipe.xadd(self.key(version), fields, id=event_id)
        pipe.execute()

    # -- the head --------------------------------------------------------------------------
    def head(self, version):
        """Return the head's meta fields ({} when none): at, n, sha, z (bytes)."""
        return {_text(k): v for k, v in self.store.binary.hgetall(self.head_key(version)).items()}

    def head_count(self, version):
        """Return how many events the head covers (0 when none)."""
        return int(self.redis.hget(self.head_key(version), "n") or 0)

    def head_at(self, version):
        """Return the head's position, or "0-0"."""
        return self.redis.hget(self.head_key(version), "at") or "0-0"

    def head_entries(self, version, wanted, whole=()):
        """Return {name: {field: stored text or None}} of head entries, whole projections too."""
        pipe = self.redis.pipeline(transaction=False)
        names = [(name, fields) for name, fields in wanted.items() if fields and name not in whole]
        for name, fields in names:
            pipe.hmget(self.head_key(version, name), fields)
        for name in whole:
            pipe.hgetall(self.head_key(version, name))
        found = pipe.execute()
        out = {name: dict(zip(fields, values)) for (name, fields), values in zip(names, found)}
        out.update(zip(whole, found[len(names):]))
        return out

    def advance(self, version, at, *, saved, changes, meta):
        """Move the head from `at`: save a position, write changed entries and the new meta.

        saved: (id, fields) of the position at `at`, or None; changes: {name: {field: text or
        None (deleted)}}. False, with nothing written, when the head is no longer at `at`.
        """
        with self.redis.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(self.head_key(version))
                if (pipe.hget(self.head_key(version), "at") or "0-0") != at:
                    pipe.reset()
                    return False
                pipe.multi()
                if saved:
                    pipe.xadd(self.key(version), saved[1], id=saved[0])
                for name, values in changes.items():
                    kept = {f: v for f, v in values.items() if v is not None}
                    gone = [f for f, v in values.items() if v is None]
                    if kept:
                        pipe.hset(self.head_key(version, name), mapping=kept)
                    if gone:
                        pipe.hdel(self.head_key(version, name), *gone)
                pipe.hset(self.head_key(version), mapping=meta)
                pipe.execute()
            except (redis.WatchError, redis.ResponseError):
                return False  # another writer moved it (or saved that position) first
        return True

    def drop(self, keep=None):
        """Delete the checkpoints of every fold-code version but `keep` (None: all of them)."""
        kept = (self.key(keep), self.head_key(keep)) if keep else ()
        doomed = [k for k in self.redis.scan_iter(match=self.store.keys.of("ckpt*"), count=1000)
                  if not (k in kept or (keep and k.startswith(self.head_key(keep) + ":")))]
        for start in range(0, len(doomed), 100):
            self.redis.unlink(*doomed[start:start + 100])
        return len(doomed)

    # -- the stream, as replay reads it --------------------------------------------------
    def last_id_at(self, ms):
        """Return the id of the last event committed at or before epoch ms, or 0-0."""
        found = self.redis.xrevrange(self.store.keys.stream, max=f"{ms}-{LAST_SEQ}", min="-", count=1)
        return found[0][0] if found else "0-0"

    def events_upto(self, cursor, count):
        """Return the last `count` events at or before cursor, newest first (opened)."""
        entries = self.redis.xrevrange(self.store.keys.stream, max=cursor, min="-", count=count)
        return self.store.decode_all(entries)

    def index_between(self, kind, value, since_ms, cursor):
        """Return the ids of one timeline index from since_ms up to cursor (inclusive), oldest first."""
        # Only the ids come back (an hour of check-ins may be thousands of entries).
        return self.redis.eval(INDEX_IDS_BETWEEN, 1, self.store.keys.index(kind, value), f"{since_ms}-0", cursor)
