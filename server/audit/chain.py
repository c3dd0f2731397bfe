"""The audit chain's entries and their verification (pure: no I/O)."""
import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64  # the "previous hash" of the first entry


def canonical(value):
    """Return the canonical JSON text of a value: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def digest(text):
    """Return the SHA-256 (hex) of an entry's text, the hash the next entry names."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draft(nonce, *, at, actor, action, subject, detail, event=None):
    """Return an entry's text with the placeholders the commit fills: its number and previous hash."""
    body = {"seq": f"@@{nonce}:seq@@", "prev": f"@@{nonce}:prev@@", "at": at,
            "actor": {"username": actor["username"], "role": actor["role"]},
            "action": action, "subject": str(subject or ""), "detail": detail or {}, "event": event}
    return canonical(body)


def fill(text, seq, prev, nonce):
    """Fill an entry's placeholders the way server/store/audit.lua does (for tests and tools)."""
    return text.replace(f'"@@{nonce}:seq@@"', str(seq)).replace(f"@@{nonce}:prev@@", prev)


@dataclass
class Break:
    """The first broken link of the chain: which entry and why."""

    seq: int
    stream_id: str
    reason: str

    def __str__(self):
        return f"entry #{self.seq} ({self.stream_id}): {self.reason}"


class Verifier:
    """Walk the entries in stream order and remember the first broken link."""

    def __init__(self):
        self.prev, self.count, self.broken = GENESIS, 0, None

    def feed(self, stream_id, text, stored_hash):
        """Check one entry against the one before; return False once the chain is broken."""
        if self.broken:
            return False
        expected = self.count + 1
        self.broken = self._problem(stream_id, text, stored_hash, expected)
        if self.broken:
            return False
        self.prev, self.count = stored_hash, expected
        return True

    def _problem(self, stream_id, text, stored_hash, expected):
        """Return the Break an entry makes, or None."""
        try:
            body = json.loads(text)
            seq = int(body["seq"])
        except (ValueError, TypeError, KeyError):
            return Break(expected, stream_id, "unreadable entry (tampered)")
        if canonical(body) != text or digest(text) != stored_hash:
            return Break(seq, stream_id, "its content does not match its hash (tampered)")
        if seq != expected:
            what = "deleted" if seq > expected else "reordered or copied"
            return Break(expected, stream_id, f"found entry #{seq} where #{expected} belongs (entries {what})")
        if body.get("prev") != self.prev:
            return Break(seq, stream_id, f"does not follow entry #{seq - 1} (an entry was changed, "
                                         "deleted or reordered before it)")
        return None

    def finish(self, head):
        """Check the chain's end against its head ({seq, hash}); return the Break or None."""
        if self.broken:
            return self.broken
        seq, last = int(head.get("seq") or 0), head.get("hash") or GENESIS
        if seq != self.count or last != self.prev:
            named = self.count + 1 if seq > self.count else (seq + 1 if seq < self.count else seq)
            return Break(named, head.get("id") or "-",
                         f"the head names entry #{seq}, the log ends at #{self.count} "
                         "(entries deleted or changed at the end)")
        return None
