"""The atomic commit of one fact: idempotency record + XADD + projections + indexes, in Lua."""
import datetime as dt
import json
import pathlib
import time
from dataclasses import dataclass, field

import orjson


# The audit chain's functions (sha256, audit_append) come first: commits call them.
AUDIT_LUA = (pathlib.Path(__file__).with_name("audit.lua")).read_text(encoding="utf-8")
SCRIPT = AUDIT_LUA + (pathlib.Path(__file__).with_name("commit.lua")).read_text(encoding="utf-8")
IDEMPOTENCY_TTL = 8 * 24 * 3600  # DESIGN §5: kept at least 7 days


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used with a different request."""


class StaleWrite(Exception):
    """A projection changed between read and commit; the caller should retry."""


class KeyExists(Exception):
    """A key that had to be absent exists (e.g. the username is taken)."""


@dataclass
class Idempotency:
    """What makes a request replayable: its scope, key and request fingerprint."""

    scope: str
    key: str
    request_hash: str


@dataclass
class Committed:
    """The outcome of a commit (or of a replayed one); body_text is the answer's JSON."""

    ids: list
    status: int
    body_text: str | None
    replayed: bool = False

    @property
    def body(self):
        """The answer as a dict (parsed on demand: the HTTP path sends body_text as it is)."""
        return json.loads(self.body_text) if self.body_text else None


@dataclass
class Commit:
    """Everything one fact writes, gathered before the single atomic script runs."""

    events: list
    status: int = 201
    body: dict | None = None
    projections: dict = field(default_factory=dict)  # name -> {field: value|None}
    expected: dict = field(default_factory=dict)  # name -> {field: old json or ""}
    ops: list = field(default_factory=list)  # (op, key, *args) on other keys of this venue
    nonce: str = ""  # the event id placeholders are @@<nonce>:<i>@@
    stored_body: dict | None = None  # the answer as the idempotency record keeps it
    absent: list = field(default_factory=list)  # keys that must not exist
    audit: list = field(default_factory=list)  # canonical JSON of audit entries (server/audit/)


def placeholder(nonce, index):
    """Return the stand-in for the index-th event's id, replaced inside the atomic commit.

    Projections and answers written in the same commit refer to the event by it. The nonce is
    random per commit, so no user text can contain it by accident or on purpose.
    """
    return f"@@{nonce}:{index}@@"


def fill_ids(text, ids, nonce):
    """Replace event id placeholders the way commit.lua does."""
    for i, stream_id in enumerate(ids):
        text = text.replace(placeholder(nonce, i), stream_id)
    return text


LATE_AFTER = dt.timedelta(minutes=5)  # a delivery this much after the moment it records is "late"
LATE_INDEX = ("late", "delivered")  # the timeline index of late deliveries (kind, value)


def delivered_late(event):
    """Tell whether an event reached the stream more than LATE_AFTER after it happened (an outbox
    sent it later): reports read those through their own index instead of days of stream.

    "Reached" is the stream's time: the event's id once it has one (a rebuild), else the wall clock
    now, at the commit that is about to append it (not the services' clock, which tests set).
    """
    happened = _instant(event.get("observed_at") or event["ts"])
    sid = event.get("id") or ""
    recorded_ms = int(sid.split("-")[0]) if sid[:1].isdigit() else time.time() * 1000
    return recorded_ms - happened.timestamp() * 1000 > LATE_AFTER.total_seconds() * 1000


def _instant(text):
    """Return an ISO 8601 text (Z or an offset) as an aware datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def index_keys(event):
    """Return the (kind, value) timeline indexes an event belongs to (commit.lua writes the same)."""
    keys = [("type", event["type"]), ("actor", event["actor"]["username"])]
    keys += [("loc", loc) for loc in event.get("_locations") or ()]
    return keys + [LATE_INDEX] if delivered_late(event) else keys


def entry_fields(event):
    """Encode a drafted event as compact stream entry fields."""
    fields = ["t", event["type"], "ts", event["ts"],
              "a", f'{event["actor"]["username"]}|{event["actor"]["role"]}',
              "d", dumps(event["data"])]
    if event.get("observed_at"):
        fields += ["o", event["observed_at"]]
    if delivered_late(event):
        fields += ["lt", "1"]  # commit.lua indexes it as late; decode_entry ignores the field
    if event.get("v", 1) != 1:  # version 1 is implied: most events never change shape
        fields += ["v", str(event["v"])]
    if event.get("_locations"):
        fields += ["l", ",".join(event["_locations"])]
    return fields


def decode_entry(stream_id, fields):
    """Decode a stream entry into an event dict (with its id and locations)."""
    username, _, role = fields.get("a", "system|system").partition("|")
    event = {"id": stream_id, "type": fields["t"], "ts": fields["ts"],
             "actor": {"username": username, "role": role},
             "data": _loads(fields.get("d") or "{}"), "v": int(fields.get("v") or 1)}
    if fields.get("o"):
        event["observed_at"] = fields["o"]
    event["_locations"] = [x for x in (fields.get("l") or "").split(",") if x]
    return event


def _loads(text):
    """Decode stored JSON text (json for what orjson refuses to read)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dumps(value):
    """Serialise compactly and deterministically (projections must rebuild byte-identical)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except (orjson.JSONEncodeError, TypeError):
        # What orjson refuses (an integer over 64 bits, a lone surrogate, a key that is not a
        # string) is written as the standard json writes it.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class ScriptArgs:
    """Collect KEYS and ARGV for commit.lua, referring to keys by index."""

    def __init__(self, idem_key, stream_key):
        self.keys = [idem_key, stream_key]
        self.argv = []
        # A dict, not keys.index(): an imported list of 5,000 rows has 15,000 keys, and a list
        # search per key held the request loop for seconds (DESIGN §1.11).
        self.index = {idem_key: 1, stream_key: 2}

    def key(self, name):
        """Return the 1-based KEYS index of a key, adding it when new."""
        if name not in self.index:
            self.keys.append(name)
            self.index[name] = len(self.keys)
        return self.index[name]


def build_args(keys, commit, idem, body=None):
    """Lay out KEYS and ARGV for one commit (`body`: the answer's JSON, when the caller made it)."""
    idem_key = keys.idempotency(idem.scope, idem.key) if idem else keys.of("idem", "-")
    args = ScriptArgs(idem_key, keys.stream)
    if body is None:
        body = dumps(commit.body) if commit.body is not None else ""
    stored = dumps(commit.stored_body) if commit.stored_body is not None else body
    argv = [idem.request_hash if idem else "", str(commit.status), stored,
            str(IDEMPOTENCY_TTL) if idem else "0", commit.nonce, str(len(commit.absent)),
            keys.of("idx", "")]
    argv += [str(args.key(key)) for key in commit.absent]
    argv.append(str(len(commit.events)))
    for event in commit.events:
        fields = entry_fields(event)
        argv += [str(len(fields)), *fields]
    guards = [(keys.projection(name), fld, old)
              for name, olds in commit.expected.items() for fld, old in olds.items()]
    argv.append(str(len(guards)))
    for key, fld, old in guards:
        argv += [str(args.key(key)), fld, old]
    ops = []
    for name, changes in commit.projections.items():
        for fld, value in changes.items():
            if value is None:
                ops.append(("HDEL", keys.projection(name), fld))
            elif getattr(value, "order_key", None):  # replace only by something newer
                ops.append(("HSET_NEWER", keys.projection(name), fld, dumps(value), value.order_key))
            else:
                ops.append(("HSET", keys.projection(name), fld, dumps(value)))
    ops += list(commit.ops)
    argv.append(str(len(ops)))
    for op, key, *rest in ops:
        # bytes (a photo) travel as they are; everything else as text
        argv += [str(2 + len(rest)), op, str(args.key(key)),
                 *[x if isinstance(x, bytes) else str(x) for x in rest]]
    argv.append(str(len(commit.audit)))
    if commit.audit:
        argv += [str(args.key(keys.of("audit", "log"))), str(args.key(keys.of("audit", "head"))), *commit.audit]
    return args.keys, argv


def stored_answer(idem, record, expand):
    """Return the Committed answer an idempotency record holds (its events put back in)."""
    request_hash, status, stored, ids = record
    if request_hash != idem.request_hash:
        raise IdempotencyConflict(idem.key)
    ids = ids.split(",")
    if stored and '"$event"' in stored:
        stored = expand(stored, ids)
    return Committed(ids=ids, status=int(status), body_text=stored or None, replayed=True)


def run_commit(run, keys, commit, idem, expand):
    """Run the commit script through `run(keys, args)` and interpret its answer."""
    body = dumps(commit.body) if commit.body is not None else ""
    key_list, argv = build_args(keys, commit, idem, body)  # the body is serialised once
    answer = run(key_list, argv)
    kind = answer[0]
    if kind == "replay":
        _, request_hash, status, stored, ids = answer
        return stored_answer(idem, [request_hash, status, stored, ids], expand)
    if kind == "conflict":
        raise StaleWrite(f"{answer[1]} {answer[2]}")
    if kind == "exists":
        raise KeyExists(answer[1])
    ids = list(answer[1:])
    return Committed(ids=ids, status=commit.status, body_text=fill_ids(body, ids, commit.nonce) or None)
