"""Crypto-shredding: the fields of events that identify a person are stored only sealed.

An event type declares its personal fields (`server.concept.Personal`). When such an event is
committed, those fields are encrypted (AES-GCM) under a random 256-bit data key of that person;
the data key itself is kept wrapped by the vault's master key (its key id travels with it, so
master keys rotate) in the person's record (hash field `dk`), written by the same atomic commit.
The stream keeps the sealed blob and the anonymous fields (a masked name, the masked ID, times,
gates). Deleting the person's record (the purge) makes every sealed copy unreadable at once;
readers then see the event as `purged`, with the erased fields empty.

Reading: the store hands each batch of decoded events to `open_events` with a `lookup` that
fetches the data keys of the whole batch in one round trip. No I/O of its own here.
"""
import base64
import json
import logging
import secrets
import threading

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from server.errors import Gone, Text
from server.vault import Vault, VaultError

log = logging.getLogger("gatewatch.sealing")
DATA_KEY = "dk"  # the field of a person's record holding the wrapped data key
SEALED = "sealed"  # the data key of an event holding its sealed fields
PURGED = "purged"  # set on an event read (or written) without its personal fields
FORMAT = "s1"
ERASED = Text("The personal data this answer held was erased after its retention period.",
              "此应答包含的个人信息已在保存期满后清除。")


class Sealer:
    """Wrap per-person data keys with the master keys, and seal values with a data key."""

    def __init__(self, master_keys):
        """Keep a function returning the master keys (read on first use: a key file may be made then)."""
        self._master_keys = master_keys
        self._vault = None

    @property
    def vault(self):
        """Return the vault of master keys, made on first use."""
        if self._vault is None:
            self._vault = Vault(self._master_keys())
        return self._vault

    def wrap(self, data_key, record):
        """Return a data key encrypted under the current master key (naming that key)."""
        return self.vault.encrypt(base64.b64encode(data_key).decode(), _context("dk", record))

    def unwrap(self, wrapped, record):
        """Return the data key a wrapped one holds; raise VaultError if it does not open."""
        return base64.b64decode(self.vault.decrypt(wrapped, _context("dk", record)))

    def seal(self, data_key, value, context):
        """Return 's1.<nonce+ciphertext>' of a JSON value, bound to context."""
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(data_key).encrypt(nonce, json.dumps(value, ensure_ascii=False).encode(), context.encode())
        return f"{FORMAT}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, data_key, token, context):
        """Return the value sealed by seal() with the same key and context; raise VaultError."""
        try:
            fmt, blob = token.split(".", 1)
            raw = base64.urlsafe_b64decode(blob)
            if fmt != FORMAT:
                raise ValueError(fmt)
            return json.loads(AESGCM(data_key).decrypt(raw[:12], raw[12:], context.encode()))
        except Exception:  # malformed, tampered, or another record's blob
            raise VaultError("the sealed fields do not authenticate") from None


def _context(kind, record, extra=""):
    """Return the associated data binding a ciphertext to its use and its person."""
    return f"{kind}\0{':'.join(record)}\0{extra}"


def _record(spec, data):
    """Return the key parts of the record holding a person's data key (None: names nobody)."""
    subject = spec.subject(data) if spec else None
    return tuple(str(part) for part in spec.record(subject)) if subject else None


# -- writing -------------------------------------------------------------------------------

def seal_events(ctx, events):
    """Return (events as stored, ops writing new data keys, (record, data key) of the first person,
    {record: data key or None} of every person named).

    A person introduced by one of these events gets a new data key; the others' keys are read
    in one round trip. A person whose key is gone (purged) is stored anonymous.
    """
    personal = [(e, spec, _record(spec, e["data"])) for e, spec in
                ((e, ctx.registry.personal(e)) for e in events)]
    personal = [(e, spec, record) for e, spec, record in personal if record]
    if not personal:
        return events, [], None, {}
    keys, ops = {}, []
    for event, spec, record in personal:
        if spec.creates and record not in keys:
            keys[record] = secrets.token_bytes(32)
            ops.append(("HSET", ctx.store.keys.of(*record), DATA_KEY, ctx.sealer.wrap(keys[record], record)))
    missing = sorted({record for _, _, record in personal if record not in keys})
    if missing:
        found = ctx.store.lookup([(record, DATA_KEY) for record in missing])
        for record in missing:
            keys[record] = _unwrapped(ctx.sealer, found.get((record, DATA_KEY)), record)
    sealed = {id(e): _sealed(ctx.sealer, e, spec, record, keys[record]) for e, spec, record in personal}
    first = personal[0][2]
    return [sealed.get(id(e), e) for e in events], ops, (first, keys[first]) if keys[first] else None, keys


def _sealed(sealer, event, spec, record, data_key):
    """Return the stored copy of an event: personal fields sealed, masked forms in the clear."""
    data = dict(event["data"])
    fields = {f: data.pop(f) for f in spec.fields if f in data}
    for name, mask in spec.masked.items():
        if name in fields:
            data[name] = mask(fields[name])
    if data_key is None:
        data[PURGED] = True  # the person was purged meanwhile: nothing personal is written
    elif fields:
        data[SEALED] = sealer.seal(data_key, fields, _context(event["type"], record))
    return dict(event, data=data)


def seal_answer(ctx, stored, sealed_by, nonce):
    """Return an answer kept for replays, sealed under the person's data key."""
    record, data_key = sealed_by
    return {"$sealed": {"at": list(record), "nonce": nonce,
                        "blob": ctx.sealer.seal(data_key, stored, _context("answer", record))}}


def open_answer(ctx, committed):
    """Return a replayed answer opened again (410 once the person's data key is gone)."""
    text = committed.body_text
    if not (committed.replayed and text and text.startswith('{"$sealed"')):
        return committed
    box = json.loads(text)["$sealed"]
    record = tuple(box["at"])
    data_key = _unwrapped(ctx.sealer, ctx.store.lookup([(record, DATA_KEY)]).get((record, DATA_KEY)), record)
    if data_key is None:
        raise Gone(ERASED)
    value = ctx.sealer.open(data_key, box["blob"], _context("answer", record))
    return ctx.store.replayed(committed, value, box["nonce"])


def _unwrapped(sealer, wrapped, record, failed=None):
    """Return the data key of a record, or None when it was erased (or cannot be opened).

    A key that exists but does not open (its master key is no longer configured) is counted
    in `failed`, or logged at once: the data then reads as purged, which an operator must know.
    """
    if not wrapped:
        return None
    try:
        return sealer.unwrap(wrapped, record)
    except VaultError as exc:
        if failed is None:
            log.error("a data key of %s does not open: %s", record[0], exc)
        else:
            failed.append(str(exc))
        return None


def forget_on_disk(ctx):
    """After a purge: have Redis rewrite its append-only file, so the erased values leave the disk.

    Deleting a data key makes the sealed copies unreadable, but the AOF still holds every value
    as it was written — the key itself, and the plain records a purge deletes (expected rows).
    """
    pause = ctx.runner.sleep or (lambda seconds: threading.Event().wait(seconds))
    if not ctx.store.rewrite_log(pause):
        log.warning("Redis did not rewrite its append-only file after the purge: the erased values "
                    "stay on its disk until it does (BGREWRITEAOF)")


# -- reading -------------------------------------------------------------------------------

def open_events(registry, sealer, events, lookup):
    """Open the sealed fields of a batch of events in place (one lookup for the batch); return it."""
    sealed = []
    for event in events:
        spec = registry.personal(event)
        record = _record(spec, event["data"]) if SEALED in event["data"] else None
        if record:
            sealed.append((event, spec, record))
    if not sealed:
        return events
    records = sorted({record for _, _, record in sealed})
    found = lookup([(record, DATA_KEY) for record in records])
    failed = []
    keys = {record: _unwrapped(sealer, found.get((record, DATA_KEY)), record, failed) for record in records}
    for event, spec, record in sealed:
        event["data"] = _opened(sealer, event, spec, record, keys[record], failed)
    if failed:  # one line per batch, not one per event: a missing master key hits them all
        log.error("%d sealed record(s) of this batch do not open (%s); they read as purged",
                  len(failed), failed[0])
    return events


def _opened(sealer, event, spec, record, data_key, failed):
    """Return an event's data with its sealed fields back, or blanked and marked purged."""
    data = {k: v for k, v in event["data"].items() if k != SEALED}
    fields = None
    if data_key is not None:
        try:
            fields = sealer.open(data_key, event["data"][SEALED], _context(event["type"], record))
        except VaultError:
            failed.append(f"event {event.get('id')} does not authenticate")
    if fields is None:
        data.update({f: "" for f in spec.fields if f not in spec.masked})
        data[PURGED] = True
    else:
        data.update(fields)
    return data
