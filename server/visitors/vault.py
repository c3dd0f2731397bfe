"""The data vault moved to `server/vault.py` (events of any concept seal personal data with it)."""
from server.vault import FORMAT, Vault, VaultError, key_id  # noqa: F401
