"""Signed checkpoint codes: the payload a printed QR code carries, and the venue keys that sign it.

A payload reads ``GW1.<venue>.<key id>.<checkpoint>.<signature>``: ids never hold a dot, and the
signature is HMAC-SHA256 over the rest (first 16 bytes, base64url), so a code is short enough
for a QR code a phone reads at arm's length. The keys live in the data folder
(``checkpoint_keys.json``, owner-only): `rotate` adds a key that signs from then on while the
older ones still verify the sheets on the walls; `retire` makes a key's codes refused.
"""
import base64
import hashlib
import hmac
import json
import os
import secrets

from server import events as ev
from server.config import ensure_data_dir
from server.errors import Text

PREFIX = "GW1"
FILE = "checkpoint_keys.json"
SIGNATURE_BYTES = 16


class CodeRefused(Exception):
    """A scanned code that proves nothing: `reason` says why, in both languages."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


FORGED = Text("this code is not one of this venue's printed codes (signature does not match)",
              "此二维码不是本场馆打印的签到码（签名不符）")
OTHER_VENUE = Text("this code belongs to another venue", "此二维码属于其他场馆")
RETIRED = Text("this code was signed with a retired key: print the current sheet",
               "此二维码的密钥已停用：请张贴新打印的签到码")
MALFORMED = Text("this is not a Gatewatch checkpoint code", "这不是 Gatewatch 签到码")
UNKNOWN_POINT = Text("this code names a checkpoint the venue no longer has", "此二维码对应的检查点已不存在")
MISMATCH = Text("the code is for another checkpoint than the one chosen", "二维码与所选检查点不一致")


def _path(settings):
    """Return the key file's path."""
    return settings.data_dir / FILE


def load_keys(settings):
    """Return the key records, oldest first (an empty list when none was made yet)."""
    try:
        return json.loads(_path(settings).read_text())["keys"]
    except FileNotFoundError:
        return []


def _save(settings, keys):
    """Write the key file atomically, readable by its owner only."""
    ensure_data_dir(settings)
    path = _path(settings)
    aside = path.with_name(f".{FILE}.{secrets.token_hex(6)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"keys": keys}, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(aside, path)


def signing_key(settings):
    """Return the newest key in use, making the first one if there is none."""
    live = [k for k in load_keys(settings) if not k.get("retired_at")]
    return live[-1] if live else rotate(settings)


def rotate(settings):
    """Add a new signing key (older keys still verify until retired); return it."""
    keys = load_keys(settings)
    key = {"id": f"k{secrets.token_hex(3)}", "secret": base64.b64encode(secrets.token_bytes(32)).decode(),
           "created_at": ev.iso(ev.utc_now()), "retired_at": None}
    _save(settings, [*keys, key])
    return key


def retire(settings, key_id):
    """Retire a key: codes it signed are refused from now on. Return False when there is no such key."""
    keys = load_keys(settings)
    found = [k for k in keys if k["id"] == key_id]
    for key in found:
        key["retired_at"] = key.get("retired_at") or ev.iso(ev.utc_now())
    if found:
        _save(settings, keys)
    return bool(found)


def _signature(key, message):
    """Return the base64url signature of a payload's signed part."""
    digest = hmac.new(base64.b64decode(key["secret"]), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:SIGNATURE_BYTES]).decode().rstrip("=")


def sign(settings, venue_id, checkpoint_id):
    """Return the signed payload of a checkpoint's code, with the current key."""
    key = signing_key(settings)
    message = ".".join((PREFIX, venue_id, key["id"], checkpoint_id))
    return f"{message}.{_signature(key, message)}"


def verify(settings, venue, payload):
    """Return (checkpoint id, key id) of a genuine code of this venue, or raise CodeRefused."""
    parts = (payload or "").strip().split(".")
    if len(parts) != 5 or parts[0] != PREFIX or not all(parts):
        raise CodeRefused(MALFORMED)
    _, venue_id, key_id, checkpoint_id, signature = parts
    if venue_id != venue.id:
        raise CodeRefused(OTHER_VENUE)
    key = next((k for k in load_keys(settings) if k["id"] == key_id), None)
    message = ".".join(parts[:4])
    if key is None or not hmac.compare_digest(_signature(key, message), signature):
        raise CodeRefused(FORGED)
    if key.get("retired_at"):
        raise CodeRefused(RETIRED)
    if not venue.checkpoint(checkpoint_id):
        raise CodeRefused(UNKNOWN_POINT)
    return checkpoint_id, key_id
