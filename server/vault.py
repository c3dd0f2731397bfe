"""ID numbers at rest: AES-GCM ciphertexts that name their key, and a keyed blind index.

No I/O: the keys come from settings (`server.config.data_keys`), the ciphertexts go to the
store through the commit that records the visitor.
"""
import base64
import hashlib
import hmac
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "v1"


class VaultError(Exception):
    """A ciphertext names a key this server does not hold, or does not authenticate."""


def key_id(key):
    """Return a short public id of a key (stored with each ciphertext, so keys can rotate)."""
    return hashlib.sha256(b"gatewatch data key id\0" + key).hexdigest()[:12]


class Vault:
    """Encrypt, decrypt and blind-index ID numbers with the venue's data keys."""

    def __init__(self, keys_b64):
        keys = [base64.b64decode(k) for k in keys_b64]
        if not keys or any(len(k) != 32 for k in keys):
            raise ValueError("data keys must be 32 bytes each")
        self.current = key_id(keys[0])
        self.keys = {key_id(k): k for k in keys}
        self._aead = {kid: AESGCM(k) for kid, k in self.keys.items()}  # made once: a replay unwraps ~3,000 keys
        # The blind index must stay stable across rotation: it is derived from the oldest key
        # listed, which a rotation keeps at the end of the list.
        self._index_key = hmac.new(keys[-1], b"gatewatch blind index v1", hashlib.sha256).digest()

    def encrypt(self, plaintext, context):
        """Return 'v1.<key id>.<nonce+ciphertext>' bound to context (e.g. the visitor id)."""
        nonce = secrets.token_bytes(12)
        sealed = self._aead[self.current].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{FORMAT}.{self.current}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token, context):
        """Return the plaintext of a ciphertext made by encrypt() with the same context."""
        try:
            fmt, kid, blob = token.split(".", 2)
            raw = base64.urlsafe_b64decode(blob)
        except ValueError:
            raise VaultError("not a ciphertext") from None
        if fmt != FORMAT or kid not in self.keys:
            raise VaultError(f"no data key {kid!r} (was the key file replaced?)")
        try:
            return self._aead[kid].decrypt(raw[:12], raw[12:], context.encode()).decode()
        except Exception:  # InvalidTag: tampered, or another record's ciphertext
            raise VaultError("the ciphertext does not authenticate") from None

    def key_of(self, token):
        """Return the key id a ciphertext names."""
        return token.split(".", 2)[1]

    def blind_index(self, id_type, number):
        """Return a keyed hash of a normalised ID: equal numbers match, nobody can reverse it."""
        message = f"{id_type}\0{number}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()[:32]
