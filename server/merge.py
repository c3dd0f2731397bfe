"""How a projection entry is written: replaced, or replaced only by something newer."""


# What a fold's touches(event) returns when the outcome depends on its whole projection.
WHOLE = "*whole projection*"


class IfNewer(dict):
    """An entry that replaces the stored one only if its `order_key` is not older.

    A fold returns it where the outcome must not depend on which of two concurrent commits
    runs first (a late outbox check-in must not push a gate's last check-in back). The commit
    script applies the same comparison atomically, so such writes need no optimistic guard.
    Times compare as strings: every stored time is ISO 8601 UTC with milliseconds and a Z.
    """

    def __init__(self, value, order_key):
        super().__init__(value)
        self.order_key = order_key


def apply(current, field, value):
    """Set or delete one entry of a projection dict, honouring IfNewer."""
    if value is None:
        current.pop(field, None)
        return
    if isinstance(value, IfNewer):
        old = (current.get(field) or {}).get(value.order_key)
        new = value.get(value.order_key)
        if old is not None and new is not None and old > new:
            return
        value = dict(value)
    current[field] = value


def later(prior, value):
    """Return which of two writes of one entry in one commit is kept: as apply() would leave it."""
    if isinstance(value, IfNewer) and isinstance(prior, IfNewer):
        old, new = prior.get(prior.order_key), value.get(value.order_key)
        if old is not None and new is not None and old > new:
            return prior
    return value
