"""The only code that talks to Redis: connection, embedded server, keys, commit, reads."""
import json

import pathlib

from server.store import aof, commit as _commit
from server.store.keys import Keys
from server.store.pool import REDIS_ERROR, RETRY_ERRORS, UNAVAILABLE, connect, run_script  # noqa: F401 (the store's API)

Commit = _commit.Commit
Committed = _commit.Committed
Idempotency = _commit.Idempotency
IdempotencyConflict = _commit.IdempotencyConflict
StaleWrite = _commit.StaleWrite
KeyExists = _commit.KeyExists
decode_entry = _commit.decode_entry
dumps = _commit.dumps
placeholder = _commit.placeholder

# The ids of a timeline index from a start id on. Only the ids are wanted, and an hour of
# check-ins may be 100,000 entries: XRANGE's answer (each id with its fields) took ~1 s of the
# start over such a store to parse (redis-py: a dict per entry); the ids alone, a fraction.
INDEX_IDS = ("local ids = {} "
             "for i, entry in ipairs(redis.call('XRANGE', KEYS[1], ARGV[1], '+')) do ids[i] = entry[1] end "
             "return ids")


INTERSECT = (pathlib.Path(__file__).with_name("intersect.lua")).read_text(encoding="utf-8")


LOOKUP_CHUNK = 1000  # keys per script call of lookup()


class Store:
    """Reads and writes for one venue."""

    def __init__(self, url, venue_id, *, reader=None, envelope=None, opener=None, rows_opener=None):
        """Connect; `reader` upgrades each decoded event, `envelope` renders one for answers.

        `opener(events, lookup)` finishes each batch of decoded events (e.g. opens sealed
        personal fields), fetching what it needs through `lookup` in one round trip per batch;
        `rows_opener({name: {field: entry}}, lookup)` does the same for projections as read.
        All come from the concept registry: the store itself knows no event type.
        """
        self.reader = reader or (lambda event: event)
        self.opener = opener
        self.rows_opener = rows_opener
        self.envelope = envelope or (lambda event: event)
        self.url = url
        self.venue_id = venue_id
        self.keys = Keys(venue_id)
        self.redis = connect(url)
        # A commit without an idempotency record is not sent twice: if the first run committed
        # and only its answer was lost, a second would record the fact again. With a record,
        # the script answers a second run with the first one's answer (commit.lua), so the
        # retrying client is safe for it.
        self.once = connect(url, retries=0)
        # Photos are bytes: read through a client that does not decode (it connects on first use).
        self.binary = connect(url, text=False)
        self._script = self.redis.register_script(_commit.SCRIPT)
        self._intersect = self.redis.register_script(INTERSECT)
        # A session is checked on every request: fetch its user in one call, and slide its
        # expiry at most once a minute — every write costs an fsync under appendfsync always.
        self._session_user = self.redis.register_script(
            "local s = redis.call('HGETALL', KEYS[1]) "
            "if #s == 0 then return nil end "
            "local slid = 0 "
            "if redis.call('TTL', KEYS[1]) < tonumber(ARGV[2]) - 60 then "
            "redis.call('EXPIRE', KEYS[1], ARGV[2]) slid = 1 end "
            "local u = redis.call('HGET', KEYS[1], 'username') "
            "return {s, redis.call('HGETALL', ARGV[1] .. u), slid}")
        self._hgets = self.redis.register_script(
            "local out = {} for i, key in ipairs(KEYS) do out[i] = redis.call('HGET', key, ARGV[i]) end return out")
        # A device token is checked on every request: resolve token -> user in one call.
        self._token_user = self.redis.register_script(
            "local u = redis.call('HGET', KEYS[1], 'username') "
            "if not u then return nil end "
            "return redis.call('HGETALL', ARGV[1] .. u)")

    def decode(self, stream_id, fields):
        """Decode one stream entry and bring it to the current version of its type."""
        return self.decode_all([(stream_id, fields)])[0]

    def decode_all(self, entries):
        """Decode stream entries, bring them to their current versions and open them (one batch)."""
        events = [self.reader(decode_entry(stream_id, fields)) for stream_id, fields in entries]
        return self.opener(events, self.lookup) if self.opener and events else events

    def lookup(self, refs):
        """Return {(key parts, field): value or None} for fields of hash records, in one round trip."""
        refs = list(refs)
        if not refs:
            return {}
        values = []
        # One script call per chunk, not one command each: a replay opens ~3,000 people's keys,
        # and a pipeline costs ~45 µs of client work per command (packing, parsing).
        for i in range(0, len(refs), LOOKUP_CHUNK):
            chunk = refs[i:i + LOOKUP_CHUNK]
            values += self._hgets(keys=[self.keys.of(*parts) for parts, _ in chunk], args=[f for _, f in chunk])
        return {ref: value if value is not False else None for ref, value in zip(refs, values)}

    # -- writing -------------------------------------------------------------------------
    def commit(self, commit, idem=None):
        """Commit one fact atomically; raise IdempotencyConflict or StaleWrite."""
        client = self.redis if idem is not None else self.once
        return _commit.run_commit(lambda keys, args: run_script(client, self._script, keys, args),
                                  self.keys, commit, idem, self._expand)

    def _expand(self, stored, ids):
        """Put the stored events back into an answer kept with {"$event": i} references."""
        events = self.events_by_ids(ids)

        def put_back(value):
            if isinstance(value, dict):
                if set(value) == {"$event"}:
                    return self.envelope(events[value["$event"]])
                return {k: put_back(v) for k, v in value.items()}
            if isinstance(value, list):
                return [put_back(v) for v in value]
            return value
        return dumps(put_back(json.loads(stored)))

    def replayed(self, committed, stored, nonce):
        """Return a replayed answer from the value it was kept as (ids and events put back)."""
        text = _commit.fill_ids(dumps(stored), committed.ids, nonce)
        if '"$event"' in text:
            text = self._expand(text, committed.ids)
        return Committed(ids=committed.ids, status=committed.status, body_text=text, replayed=True)

    def session_user(self, sid, ttl_seconds):
        """Return (session, user record) for a live session, sliding its expiry; or (None, None).

        When this call extended the expiry, the session carries `_slid: True` (the cookie
        follows it then, not on every answer).
        """
        found = self._session_user(keys=[self.keys.of("session", sid)],
                                   args=[self.keys.prefix + "user:", int(ttl_seconds)])
        if not found:
            return None, None
        sess, user, slid = found
        session = dict(zip(sess[::2], sess[1::2]))
        if slid:
            session["_slid"] = True
        return session, (dict(zip(user[::2], user[1::2])) or None)

    def token_user(self, token_hash):
        """Return the user record a token hash belongs to, in one round trip (or None).

        The user key is not declared in KEYS; it shares the {venue} hash tag, so on a Cluster
        it lives in the same slot as the token key.
        """
        rec = self._token_user(keys=[self.keys.of("token", token_hash)], args=[self.keys.prefix + "user:"])
        return dict(zip(rec[::2], rec[1::2])) if rec else None

    # -- records written by commits (ops), read here --------------------------------------
    def read_record(self, key):
        """Return a hash record as a dict (empty when absent)."""
        return self.redis.hgetall(key)

    def read_records(self, keys):
        """Return several hash records as dicts (empty when absent), in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        return pipe.execute() if keys else []

    def read_blob(self, key):
        """Return the bytes a commit stored under a key (None when absent)."""
        return self.binary.get(key)

    def members_of(self, keys):
        """Return the union of several set records, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.smembers(key)
        return set().union(*pipe.execute()) if keys else set()

    def has_members(self, key):
        """Tell whether a set record holds anything."""
        return bool(self.redis.scard(key))

    # -- projections ---------------------------------------------------------------------
    def open_rows(self, projections, shown_only=False):
        """Return decoded projections ({name: {field: entry}}) with their sealed entries opened
        (shown_only: those a section may show, for the sections' reads; server/sealed_rows.py)."""
        if not self.rows_opener or not projections:
            return projections
        return self.rows_opener(projections, self.lookup, **({"shown_only": True} if shown_only else {}))

    def projection_fields(self, name, fields):
        """Return {field: json or None} for some fields of a projection (sealed entries opened)."""
        if not fields:
            return {}
        values = dict(zip(fields, self.redis.hmget(self.keys.projection(name), list(fields))))
        if not any(v and '"sealed":' in v for v in values.values()):
            return values
        opened = self.open_rows({name: {f: json.loads(v) for f, v in values.items() if v}})[name]
        return {f: dumps(opened[f]) if f in opened else None for f in fields}

    def read_fields(self, wanted, idem=None, whole=()):
        """Return ({name: {field: raw json or None}}, stored answer or None) in one round trip.

        The projections named in `whole` are read entire. The text is as stored (sealed
        entries sealed): the ledger guards on it, and opens what it folds with open_rows().
        """
        if not wanted and not idem and not whole:
            return {}, None
        whole = sorted(whole)
        pipe = self.redis.pipeline(transaction=False)
        if idem:
            pipe.hmget(self.keys.idempotency(idem.scope, idem.key), "h", "s", "b", "e")
        for name, fields in wanted.items():
            pipe.hmget(self.keys.projection(name), fields)
        for name in whole:
            pipe.hgetall(self.keys.projection(name))
        results = pipe.execute()
        record = results.pop(0) if idem else [None]
        answer = _commit.stored_answer(idem, record, self._expand) if record[0] else None
        found = {name: dict(zip(fields, values)) for (name, fields), values in zip(wanted.items(), results)}
        found.update(zip(whole, results[len(wanted):]))
        return found, answer

    def projection_text(self, name, fields=None):
        """Return a projection as stored, whole or some fields: {field: JSON text or None}, nothing
        opened or decoded."""
        if fields is None:
            return self.redis.hgetall(self.keys.projection(name))
        return dict(zip(fields, self.redis.hmget(self.keys.projection(name), fields))) if fields else {}

    def projection_size(self, name):
        """Return how many entries a projection holds."""
        return self.redis.hlen(self.keys.projection(name))

    def projection(self, name):
        """Return a whole projection as {field: decoded value}."""
        raw = self.projection_text(name)
        return self.open_rows({name: {k: json.loads(v) for k, v in raw.items()}})[name]

    def snapshot(self, names, recent=0, indexes=(), shown_only=False, decode=None):
        """Return (cursor, {name: projection}[, recent events newest first, index ids]) atomically.

        `recent` newest events come along (a wall screen's feed is not empty on load), and for
        each (kind, value, since_ms) in `indexes` the ids of that timeline index from since_ms on.
        `shown_only`: open only the sealed entries a section may show (see open_rows).
        `decode({name: {field: JSON text}})` replaces decoding every entry here (e.g. off the loop).
        """
        pipe = self.redis.pipeline(transaction=True)
        pipe.xrevrange(self.keys.stream, count=max(recent, 1))
        for name in names:
            pipe.hgetall(self.keys.projection(name))
        for kind, value, since_ms in indexes:
            pipe.eval(INDEX_IDS, 1, self.keys.index(kind, value), f"{since_ms}-0")
        last, *rest = pipe.execute()
        found = {}
        for kind, value, _ in reversed(indexes):
            found[(kind, value)] = rest.pop()
        cursor = last[0][0] if last else "0-0"
        texts = dict(zip(names, rest))
        projections = self.open_rows(decode(texts) if decode else
                                     {name: {k: json.loads(v) for k, v in h.items()} for name, h in texts.items()},
                                     shown_only)
        if not (recent or indexes):
            return cursor, projections
        return cursor, projections, self.decode_all(last[:recent]), found

    def raw_projections(self, names):
        """Return {name: {field: raw json}} exactly as stored (sealed entries sealed)."""
        pipe = self.redis.pipeline(transaction=True)
        for name in names:
            pipe.hgetall(self.keys.projection(name))
        return dict(zip(names, pipe.execute()))

    def replace_projections(self, projections, indexes):
        """Atomically replace projections and timeline indexes with rebuilt ones."""
        pipe = self.redis.pipeline(transaction=True)
        for key in self.redis.scan_iter(match=self.keys.of("idx", "*"), count=1000):
            pipe.delete(key)
        for name, values in projections.items():
            key = self.keys.projection(name)
            pipe.delete(key)
            if values:
                pipe.hset(key, mapping={f: dumps(v) for f, v in values.items()})
        for (kind, value), members in indexes.items():
            key = self.keys.index(kind, value)
            for sid in members:  # in stream order, as XADD with explicit ids needs
                pipe.xadd(key, {"x": ""}, id=sid)
        pipe.execute()

    # -- the stream ------------------------------------------------------------------------
    def last_id(self):
        """Return the id of the newest event, or 0-0."""
        last = self.redis.xrevrange(self.keys.stream, count=1)
        return last[0][0] if last else "0-0"

    def count_events(self):
        """Return how many events the stream holds."""
        return self.redis.xlen(self.keys.stream)

    def events_after(self, cursor, count, upto="+", opened=True):
        """Return up to count events strictly after cursor (and at most upto), oldest first
        (opened=False: personal fields left sealed, for readers of ids and types only)."""
        entries = self.redis.xrange(self.keys.stream, min=f"({cursor}", max=upto, count=count)
        if not opened:
            return [self.reader(decode_entry(stream_id, fields)) for stream_id, fields in entries]
        return self.decode_all(entries)

    def index_ids(self, kind, value, low, high, desc, count):
        """Return event ids of one timeline index within stream-id bounds ('(' = exclusive)."""
        key = self.keys.index(kind, value)
        if desc:
            entries = self.redis.xrevrange(key, max=high, min=low, count=count)
        else:
            entries = self.redis.xrange(key, min=low, max=high, count=count)
        return [i for i, _ in entries]

    def index_holds(self, kind, value, ids):
        """Return which of these event ids one timeline index holds (one round trip)."""
        key = self.keys.index(kind, value)
        pipe = self.redis.pipeline(transaction=False)
        for sid in ids:
            pipe.xrange(key, min=sid, max=sid, count=1)
        return {sid for sid, found in zip(ids, pipe.execute()) if found}

    def index_intersection(self, indexes, low, high, desc, wanted, budget=20000):
        """Return (ids every index holds within bounds, last id walked, exhausted), walking the first.

        One round trip (server/store/intersect.lua); at most `budget` ids of the first index are walked.
        """
        keys = [self.keys.index(kind, value) for kind, value in indexes]
        ids, last, done = self._intersect(keys=keys, args=[low, high, "1" if desc else "0", wanted, budget])
        return ids, last, bool(done)

    def index_length(self, kind, value):
        """Return how many events one timeline index holds."""
        return self.redis.xlen(self.keys.index(kind, value))

    def events_by_ids(self, ids):
        """Return the events with these ids, in the same order (missing ones skipped)."""
        pipe = self.redis.pipeline(transaction=False)
        for sid in ids:
            pipe.xrange(self.keys.stream, min=sid, max=sid, count=1)
        return self.decode_all([r[0] for r in pipe.execute() if r])

    def scan_events(self, batch=2000):
        """Yield every event, oldest first."""
        cursor = "0-0"
        while True:
            chunk = self.events_after(cursor, batch)
            if not chunk:
                return
            yield from chunk
            cursor = chunk[-1]["id"]

    def tailer(self):
        """Return a dedicated connection for XREAD BLOCK (no socket timeout; DESIGN §9.5)."""
        return connect(self.url, timeout=None)

    def tail(self, client, cursor, block_ms, count=500):
        """Block up to block_ms for events after cursor on a dedicated connection."""
        answer = client.xread({self.keys.stream: cursor}, block=block_ms, count=count)
        if not answer:
            return []
        return self.decode_all(answer[0][1])

    # -- health & leadership -----------------------------------------------------------------
    def ready(self):
        """Tell whether Redis answers and has finished loading."""
        info = self.redis.info("persistence")
        return info.get("loading", 0) == 0

    def rewrite_log(self, pause, timeout=120.0):
        """Rewrite Redis' append-only file and wait for it (server/store/aof.py); True if done."""
        return aof.rewrite_log(self.redis, pause, timeout)

    def hold_lease(self, name, owner, ttl_ms):
        """Take or renew a named lease; return True while this owner holds it."""
        key = self.keys.of("lease", name)
        if self.redis.set(key, owner, nx=True, px=ttl_ms):
            return True
        renew = "if redis.call('GET', KEYS[1]) == ARGV[1] then " \
                "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end"
        return bool(self.redis.eval(renew, 1, key, owner, ttl_ms))

    def release_lease(self, name, owner):
        """Give up a lease if this owner holds it."""
        key = self.keys.of("lease", name)
        self.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then "
                        "return redis.call('DEL', KEYS[1]) else return 0 end", 1, key, owner)

    @staticmethod
    def dumps(value):
        """Serialise a projection value exactly as commits do."""
        return dumps(value)

    def close(self):
        """Close the connection pools."""
        self.redis.close()
        self.binary.close()
