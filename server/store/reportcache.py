"""Kept report figures in Redis: one hash per fold-code version, a field per window of days."""


class ReportCache:
    """Reads and writes of the figures of finished windows (server/reports/cache.py)."""

    def __init__(self, store):
        self.store = store
        self.redis = store.redis

    def key(self, version):
        """Return the key of one code version's kept figures."""
        return self.store.keys.of("report-figures", version)

    def get(self, version, name):
        """Return the stored text of one window's figures, or None."""
        return self.redis.hget(self.key(version), name)

    def put(self, version, name, text):
        """Keep one window's figures; drop every other code version's (never read again)."""
        for key in self.redis.scan_iter(match=self.store.keys.of("report-figures", "*"), count=1000):
            if key != self.key(version):
                self.redis.unlink(key)
        self.redis.hset(self.key(version), name, text)

    def names(self, version):
        """Return the windows whose figures are kept."""
        return set(self.redis.hkeys(self.key(version)))

    def stream_bounds(self, low, high):
        """Return the ids of the first and last event between two stream ids ('' when none)."""
        first = self.redis.xrange(self.store.keys.stream, min=low, max=high, count=1)
        last = self.redis.xrevrange(self.store.keys.stream, max=high, min=low, count=1)
        return (first[0][0] if first else ""), (last[0][0] if last else "")
