"""Reads of the audit chain's log and head (written only by the commit script)."""


def log_key(store):
    """Return the key of the audit log stream."""
    return store.keys.of("audit", "log")


def head_key(store):
    """Return the key of the chain head {seq, hash, id}."""
    return store.keys.of("audit", "head")


def head(store):
    """Return the chain head {seq, hash, id} (empty before the first entry)."""
    return store.redis.hgetall(head_key(store))


def entries(store, low="-", high="+", count=1000, desc=False):
    """Return up to count entries [(stream id, text, hash)] within stream-id bounds."""
    if desc:
        found = store.redis.xrevrange(log_key(store), max=high, min=low, count=count)
    else:
        found = store.redis.xrange(log_key(store), min=low, max=high, count=count)
    return [(sid, fields.get("b", ""), fields.get("h", "")) for sid, fields in found]


def scan(store, batch=5000):
    """Yield every entry, oldest first, in chunks."""
    low = "-"
    while True:
        chunk = entries(store, low, "+", batch)
        yield from chunk
        if len(chunk) < batch:
            return
        low = f"({chunk[-1][0]}"


def restore(store, items, head_fields):
    """Write archived entries back with their stream ids, and the head (into an empty store)."""
    pipe = store.redis.pipeline(transaction=True)
    for sid, text, digest in items:
        pipe.xadd(log_key(store), {"b": text, "h": digest}, id=sid)
    if head_fields:
        pipe.hset(head_key(store), mapping=head_fields)
    pipe.execute()
