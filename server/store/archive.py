"""Raw reads and writes for archives (server/archive/): stream entries as stored, other records typed.

Export reads the stream in chunks with XRANGE through a client that skips redis-py's per-entry
dict building (the answer stays the flat lists Redis sends). Building the lines in a Lua script
inside Redis was tried and cost Redis 18 µs of CPU per event, against 8 µs for XRANGE plus the
Python encoding (server/archive/codec.py). Records are written back with their types, bytes
kept as bytes.
"""
from server.store import connect

# Kinds of keys an archive leaves out: derived (rebuilt from the stream), the stream and the
# audit log themselves (archived apart), and short-lived ones (sessions, throttles, leases,
# idempotency records).
SKIPPED = {"stream", "proj", "idx", "audit", "idem", "lease", "session", "user_sessions", "sign_in_lock",
           "sign_in_strikes", "throttle", "throttle_account", "trusted"}


def raw_client(store):
    """Return a bytes client whose XRANGE answers are the flat lists Redis sends."""
    client = connect(store.url, text=False, timeout=60.0)
    client.set_response_callback("XRANGE", lambda response, **options: response)
    return client


def chunks(store, client, low, high, batch=5000):
    """Yield lists of [id, [field, value, ...]] (bytes) from low to high, oldest first."""
    key = store.keys.stream
    while True:
        chunk = client.execute_command("XRANGE", key, low, high, "COUNT", batch)
        if not chunk:
            return
        yield chunk
        if len(chunk) < batch:
            return
        low = b"(" + chunk[-1][0]


def is_empty(store):
    """Tell whether the venue holds no key at all (an archive imports only into that)."""
    return not any(True for _ in store.redis.scan_iter(match=store.keys.prefix + "*", count=1000))


def clear(store):
    """Delete every key of the venue (an import that failed half way, into a store that was empty)."""
    for key in list(store.redis.scan_iter(match=store.keys.prefix + "*", count=1000)):
        store.redis.delete(key)


def record_keys(store):
    """Return the venue's keys an archive keeps as records (not derived, not short-lived)."""
    prefix = store.keys.prefix
    found = (k[len(prefix):] for k in store.redis.scan_iter(match=prefix + "*", count=1000))
    return sorted(k for k in found if k.split(":", 1)[0] not in SKIPPED)


def read_records(store, names, batch=500):
    """Yield (name, type, value, ttl ms or -1) of records: a hash as a dict, a set as a list, a string as bytes."""
    client = store.binary
    for start in range(0, len(names), batch):
        part = names[start:start + batch]
        pipe = client.pipeline(transaction=False)
        for name in part:
            pipe.type(store.keys.prefix + name)
            pipe.pttl(store.keys.prefix + name)
        kinds = pipe.execute()
        pipe = client.pipeline(transaction=False)
        for i, name in enumerate(part):
            kind, key = kinds[2 * i].decode(), store.keys.prefix + name
            {"hash": pipe.hgetall, "set": pipe.smembers, "string": pipe.get,
             "list": lambda k: pipe.lrange(k, 0, -1), "zset": lambda k: pipe.zrange(k, 0, -1, withscores=True)
             }.get(kind, pipe.exists)(key)
        for i, value in enumerate(pipe.execute()):
            yield part[i], kinds[2 * i].decode(), value, kinds[2 * i + 1]


def write_entries(store, entries):
    """Append stream entries [(id, {field: value})] with their ids, in one round trip."""
    pipe = store.redis.pipeline(transaction=False)
    for sid, fields in entries:
        pipe.xadd(store.keys.stream, dict(fields), id=sid)
    pipe.execute()


def write_records(store, records):
    """Write records [(name, type, value, ttl ms)] back, in one round trip."""
    pipe = store.binary.pipeline(transaction=False)
    for name, kind, value, ttl in records:
        key = store.keys.prefix + name
        if kind == "hash":
            pipe.hset(key, mapping=value)
        elif kind == "set":
            pipe.sadd(key, *value)
        elif kind == "string":
            pipe.set(key, value)
        elif kind == "list":
            pipe.rpush(key, *value)
        elif kind == "zset":
            pipe.zadd(key, dict(value))
        if ttl and ttl > 0:
            pipe.pexpire(key, ttl)
    pipe.execute()
