"""Where a visitor's sealed personal data and ID number live: the vault and the record keys."""
from server import config
from server.vault import Vault

# The projection of visitors' entries (server/visitors/fold.py folds it; others read it).
VISITORS = "visitors"


def vault(ctx):
    """Return the venue's data vault, made on first use (the key file is created then)."""
    if ctx.vault is None:  # the one that opens sealed events, when the context has one
        ctx.vault = ctx.sealer.vault if ctx.sealer else Vault(config.data_keys(ctx.settings))
    return ctx.vault


def record(visitor_id):
    """Return the key parts of a visitor's personal record (sealed ID, blind index, data key)."""
    return ("visitor_id", visitor_id)


def seen_key(ctx, blind_index):
    """Key of the set of visitors registered with one document (returning-visitor lookup)."""
    return ctx.store.keys.of("visitor_seen", blind_index)
