"""Audit services: record an action, read the chain head, list and verify the log."""
import json
import secrets

from server import events as ev
from server import visibility
from server.audit import actions, chain
from server.audit.models import AuditEntry
from server.store import Commit
from server.store import auditlog


def record_action(ctx, *, actor, action, subject, detail=None, ops=()):
    """Append one audit entry for an action that records no fact; return the chain head after it.

    `ops` (commit ops, e.g. writing a token) are applied in the same atomic script. Call it
    before the action's answer leaves: no entry, no export or download.
    """
    nonce = secrets.token_hex(8)
    text = chain.draft(nonce, at=ev.iso(ev.utc_now()), actor=actor, action=action,
                       subject=subject, detail=detail or {})
    ctx.store.commit(Commit(events=[], status=200, ops=list(ops), nonce=nonce, audit=[text]))
    return chain_head(ctx)


def chain_head(ctx):
    """Return the chain head {seq, hash} (seq 0 and 64 zeros before the first entry)."""
    head = auditlog.head(ctx.store)
    return {"seq": int(head.get("seq") or 0), "hash": head.get("hash") or chain.GENESIS}


def issue_token(ctx, *, actor, username, name):
    """Create a device token for a user, audited in the same commit; return it (shown once)."""
    token, ops = ctx.accounts.new_token(username, name)
    record_action(ctx, actor=actor, action=actions.TOKEN_ISSUE, subject=username, detail={"name": name}, ops=ops)
    return token


def _row(stream_id, text, digest):
    """Return one stored entry as a row."""
    body = json.loads(text)
    return {**body, "entry_id": stream_id, "hash": digest}


def list_entries(ctx, viewer, *, before=None, limit=100):
    """Return (entries newest first, each shaped for the viewer; next cursor)."""
    high = f"({before}" if before else "+"
    found = auditlog.entries(ctx.store, "-", high, limit + 1, desc=True)
    rows = [visibility.shape(AuditEntry, _row(*item), viewer) for item in found[:limit]]
    return rows, (found[limit - 1][0] if len(found) > limit else None)


def verify(ctx):
    """Walk the whole chain; return (entries checked, the first Break or None)."""
    verifier = chain.Verifier()
    for item in auditlog.scan(ctx.store):
        if not verifier.feed(*item):
            break
    return verifier.count, verifier.finish(auditlog.head(ctx.store))
