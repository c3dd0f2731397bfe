"""Sign-in throttling: per address, and per account across addresses with a short, bounded lock.

Guessing from one address stops after a few tries. Guessing one account from many addresses
locks that account's sign-in for a while: the first lock is GATEWATCH_LOGIN_LOCK_SECONDS, each
further one twice as long, never longer than LOCK_CAP_SECONDS, so an attacker can slow an
account down but never shut it for good. An address the account signed in from before (the
guard's own phone) is not held by the account lock, only by its own per-address limit.
"""
import logging
import math

from server.errors import GatewatchError

log = logging.getLogger("gatewatch.auth")
PER_ADDRESS = 5  # wrong passwords for one account from one address, within WINDOW_SECONDS
PER_ADDRESS_ANY = 30  # wrong passwords for any accounts from one address (guessing names)
PER_ACCOUNT = 10  # wrong passwords for one account from all addresses, within WINDOW_SECONDS
WINDOW_SECONDS = 300
LOCK_CAP_SECONDS = 900
STRIKES_KEPT_SECONDS = 6 * 3600  # after this long without a lock, locks start short again
TRUSTED_SECONDS = 30 * 86400  # how long an address that signed the account in stays trusted


class Throttled(GatewatchError):
    """Too many failed sign-ins; retry after `retry_after` seconds."""

    status, code = 429, "throttled"

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = max(1, math.ceil(retry_after))


def lock_seconds(strike, first):
    """Return how long the strike-th lock lasts: first·2^(strike−1), capped."""
    cap = max(first, LOCK_CAP_SECONDS)
    return min(first * 2 ** min(strike - 1, 32), cap)


def check(ctx, username, address):
    """Raise Throttled when this sign-in attempt has to wait."""
    mine, anyone, locked_ms, trusted = ctx.accounts.sign_in_state(username, address)
    if mine >= PER_ADDRESS or anyone >= PER_ADDRESS_ANY:
        raise Throttled("Too many failed attempts; wait a few minutes.", WINDOW_SECONDS)
    if locked_ms and not trusted:
        raise Throttled("Too many failed attempts for this account; wait a little.", locked_ms / 1000)


def failed(ctx, username, address):
    """Count a wrong password; lock the account for a while after too many from anywhere."""
    mine, _, account = ctx.accounts.note_sign_in_failure(username, address, WINDOW_SECONDS)
    if mine == PER_ADDRESS:
        log.warning("sign-in throttled for account %r from address %s after %d failures",
                    username, address, mine)
    if account >= PER_ACCOUNT:
        strike = ctx.accounts.note_lock(username, STRIKES_KEPT_SECONDS)
        seconds = lock_seconds(strike, ctx.settings.login_lock_seconds)
        ctx.accounts.lock_sign_in(username, seconds)
        log.warning("sign-in locked for account %r for %gs after %d failures from several addresses "
                    "(last from %s; lock %d)", username, seconds, account, address, strike)


def succeeded(ctx, username, address):
    """Forget this address's failures and trust it for this account."""
    ctx.accounts.note_sign_in_success(username, address, TRUSTED_SECONDS)
