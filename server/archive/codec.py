"""The archive's lines: encode stream entries and records as JSON Lines, and decode them (no I/O)."""
import base64
import functools
import json
import re

FORMAT = "gatewatch-archive"
VERSION = 1
EVENT_PREFIX = b'{"id":"'


NEEDS_ESCAPE = re.compile(rb'[\x00-\x1f"\\]')


def _q(raw):
    """Return a JSON string literal (bytes) of UTF-8 bytes.

    Most values need no escaping (a time, a type): quoted as they are, without a json.dumps
    per value, which was most of an export's time.
    """
    if NEEDS_ESCAPE.search(raw) is None:
        return b'"' + raw + b'"'
    return json.dumps(raw.decode("utf-8"), ensure_ascii=False).encode("utf-8")


# Types, usernames, roles and locations repeat across a stream: quoted once each.
_q_cached = functools.lru_cache(maxsize=4096)(_q)


def event_line(sid, flat):
    """Return one event's line from a raw stream entry (bytes id, [field, value, ...]).

    The data is copied as stored (canonical JSON, sealed fields sealed), not parsed again.
    """
    m = dict(zip(flat[::2], flat[1::2]))
    user, _, role = m.get(b"a", b"system|system").partition(b"|")
    parts = [EVENT_PREFIX, sid, b'","type":', _q_cached(m[b"t"]), b',"ts":', _q(m[b"ts"]),
             b',"actor":{"username":', _q_cached(user), b',"role":', _q_cached(role), b'},"data":',
             m.get(b"d") or b"{}"]
    if b"o" in m:
        parts += [b',"observed_at":', _q(m[b"o"])]
    if b"v" in m:
        parts += [b',"v":', m[b"v"]]
    if b"l" in m:
        parts += [b',"locations":', _q_cached(m[b"l"])]
    parts.append(b"}\n")
    return b"".join(parts)


def entry_fields(line, dumps):
    """Return (stream id, [(field, value)]) of an event line, as commits lay an entry out."""
    event = json.loads(line)
    actor = event["actor"]
    fields = [("t", event["type"]), ("ts", event["ts"]), ("a", f'{actor["username"]}|{actor["role"]}'),
              ("d", dumps(event["data"]))]
    if "observed_at" in event:
        fields.append(("o", event["observed_at"]))
    if "v" in event:
        fields.append(("v", str(event["v"])))
    if "locations" in event:
        fields.append(("l", event["locations"]))
    return event["id"], fields


def _enc(value):
    """Return bytes as text when they are UTF-8, else as {"b64": ...}."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"b64": base64.b64encode(value).decode()}
    return value


def _dec(value):
    """Return the bytes (or text) an encoded value stands for."""
    return base64.b64decode(value["b64"]) if isinstance(value, dict) else value


def record_line(name, kind, value, ttl):
    """Return one record's line (a hash, set, string, list or sorted set)."""
    if kind == "hash":
        value = {_enc(k): _enc(v) for k, v in value.items()}
    elif kind in ("set", "list"):
        value = sorted(_enc(v) for v in value) if kind == "set" else [_enc(v) for v in value]
    elif kind == "zset":
        value = [[_enc(m), s] for m, s in value]
    else:
        value = _enc(value)
    line = {"kind": "record", "key": name, "type": kind, "value": value}
    if ttl and ttl > 0:
        line["ttl_ms"] = ttl
    return (json.dumps(line, ensure_ascii=False) + "\n").encode()


def record_of(line):
    """Return (name, type, value, ttl ms) of a record line."""
    kind, value = line["type"], line["value"]
    if kind == "hash":
        value = {k: _dec(v) for k, v in value.items()}
    elif kind in ("set", "list"):
        value = [_dec(v) for v in value]
    elif kind == "zset":
        value = [(_dec(m), s) for m, s in value]
    else:
        value = _dec(value)
    return line["key"], kind, value, line.get("ttl_ms", -1)


def json_line(value):
    """Return any other line (header, audit entry, end) as bytes."""
    return (json.dumps(value, ensure_ascii=False) + "\n").encode()
