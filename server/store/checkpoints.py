"""Fold checkpoints in Redis: the sections' inputs saved every N events, a cache for replay.

One Redis stream per fold-code version (`ckpt:<version>`): each entry's id is the id of the
event after which the state was taken, so `XREVRANGE … COUNT 1` finds the nearest checkpoint at
or before any cursor, and a second writer of the same checkpoint is refused by XADD (ids only
grow) — the watcher of two processes may overlap without harm. Entries hold the state as JSON,
compressed, and its SHA-256; the reader (server/checkpoints.py) checks and decodes them.
"""
import redis

# A stream id larger than any real sequence part: "every id of this millisecond".
LAST_SEQ = 2**64 - 1
INDEX_IDS_BETWEEN = ("local ids = {} "
                     "for i, entry in ipairs(redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2])) do ids[i] = entry[1] end "
                     "return ids")


class Checkpoints:
    """Reads and writes of fold checkpoints, and the stream reads replay needs."""

    def __init__(self, store):
        self.store = store
        self.redis = store.redis

    def key(self, version):
        """Return the key of one fold-code version's checkpoints."""
        return self.store.keys.of("ckpt", version)

    def before(self, version, cursor, count=3):
        """Yield up to `count` checkpoints at or before cursor, newest first: (id, fields).

        One at a time: the newest is nearly always sound, and each is a whole state.
        """
        upper = cursor
        for _ in range(count):
            found = self.store.binary.xrevrange(self.key(version), max=upper, min="-", count=1)
            if not found:
                return
            yield found[0]
            oldest = found[0][0]
            upper = "(" + (oldest.decode() if isinstance(oldest, bytes) else oldest)  # exclusive

    def newest(self, version):
        """Return the newest checkpoint (id, fields), or None."""
        found = self.store.binary.xrevrange(self.key(version), count=1)
        return found[0] if found else None

    def add(self, version, event_id, fields):
        """Append a checkpoint after event_id; False when one at or after it exists (another writer)."""
        try:
            self.redis.xadd(self.key(version), fields, id=event_id)
        except redis.ResponseError:
            return False
        return True

    def replace(self, version, entries):
        """Atomically drop every checkpoint (of every version) and put these (id, fields) in their place.

        They are written first to a key of their own, a few per round trip (a million events'
        checkpoints are hundreds of megabytes: one transaction of them outlasts the client's
        timeout, and a retried transaction would run twice), then renamed in one transaction.
        """
        staging = self.store.keys.of("ckpt-rebuild", version)
        self.redis.delete(staging)
        for start in range(0, len(entries), 5):
            pipe = self.redis.pipeline(transaction=False)
            for event_id, fields in entries[start:start + 5]:
                pipe.xadd(staging, fields, id=event_id)
            pipe.execute()
        pipe = self.redis.pipeline(transaction=True)
        for key in self.redis.scan_iter(match=self.store.keys.of("ckpt", "*"), count=1000):
            pipe.delete(key)
        if entries:
            pipe.rename(staging, self.key(version))
        pipe.execute()

    def count(self, version):
        """Return how many checkpoints a version holds."""
        return self.redis.xlen(self.key(version))

    def memory(self, version):
        """Return the bytes Redis uses for a version's checkpoints (0 when none)."""
        return self.redis.memory_usage(self.key(version)) or 0

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
