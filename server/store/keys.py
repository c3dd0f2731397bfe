"""Redis key names. Every key carries the {venue} hash tag so one Cluster can hold many venues."""


class Keys:
    """Key names for one venue."""

    def __init__(self, venue_id):
        self.prefix = f"gw:{{{venue_id}}}:"
        self._projections = {}  # a commit names several: built once each

    def __getattr__(self, name):
        # keys.stream, keys.users... → "gw:{venue}:stream"
        if name.startswith("_"):
            raise AttributeError(name)
        return self.prefix + name

    def of(self, *parts):
        """Join parts under the venue prefix."""
        return self.prefix + ":".join(str(p) for p in parts)

    def projection(self, name):
        """Key of the hash holding one projection."""
        key = self._projections.get(name)
        if key is None:
            key = self._projections[name] = self.of("proj", name)
        return key

    def index(self, kind, value):
        """Key of a timeline index (kind: type, loc, actor)."""
        return self.of("idx", kind, value)

    def idempotency(self, scope, key):
        """Key of one idempotency record, scoped per user."""
        return self.of("idem", scope, key)
