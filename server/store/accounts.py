"""Users, sessions, device tokens and login throttling in Redis (not venue facts)."""
import hashlib
import secrets
import time


def session_tag(session_id):
    """Return a public tag of a session (its hash prefix) that names it without revealing it."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:16]


def _token_hash(token):
    """Hash a bearer token; only the hash is stored."""
    # surrogatepass: a broken string from a Socket.IO handshake is just an unknown token.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Accounts:
    """Account records for one venue's store.

    Who a session or token belongs to is looked up on every request; the answer is kept for a
    few seconds. Every change that ends a session or a user's rights (sign-out, disable,
    password reset) is an event on the stream, and each process's tailer calls forget() on
    it, so no process honours a revoked session longer than its tailer lag; the short expiry
    only bounds the case where the tailer itself is cut off from Redis.
    """

    CACHE_SECONDS = 5.0
    CACHE_MAX = 10000

    def __init__(self, store):
        self.store = store
        self.r = store.redis
        self.keys = store.keys
        self._seen = {}  # ("s", sid) | ("t", token hash) -> (expires, session, user)

    def _cached(self, key, load):
        """Return a (session, user) answer, from the short-lived cache when fresh."""
        now = time.monotonic()
        hit = self._seen.get(key)
        if hit and hit[0] > now:
            return hit[1], hit[2]
        session, user = load()
        if user:
            if len(self._seen) >= self.CACHE_MAX:
                self._seen.clear()
            self._seen[key] = (now + self.CACHE_SECONDS, session, user)
        else:
            self._seen.pop(key, None)
        return session, user

    def forget(self, username=None, sid=None, tag=None):
        """Drop cached sign-ins of a user, or of one session (by id or public tag)."""
        for key in list(self._seen):
            user = self._seen[key][2]
            if (username and user.get("username") == username) or (sid and key == ("s", sid)) \
                    or (tag and key[0] == "s" and session_tag(key[1]) == tag):
                self._seen.pop(key, None)

    # users are written through Store.commit (with an audit event); these are the keys
    def user_key(self, username):
        """Key of one user's record."""
        return self.keys.of("user", username)

    def users_key(self):
        """Key of the set of usernames."""
        return self.keys.of("users")

    def get_user(self, username):
        """Return a user's record as a dict, or None."""
        rec = self.r.hgetall(self.user_key(username))
        return rec or None

    def list_users(self):
        """Return every user record, sorted by username."""
        names = sorted(self.r.smembers(self.users_key()))
        pipe = self.r.pipeline(transaction=False)
        for name in names:
            pipe.hgetall(self.user_key(name))
        return [rec for rec in pipe.execute() if rec]

    def count_users(self):
        """Return how many users exist."""
        return self.r.scard(self.users_key())

    # sessions
    def create_session(self, username, ttl_seconds):
        """Create a server-side session; return (session_id, csrf_token)."""
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.keys.of("session", sid), mapping={"username": username, "csrf": csrf})
        pipe.expire(self.keys.of("session", sid), int(ttl_seconds))
        pipe.sadd(self.keys.of("user_sessions", username), sid)
        pipe.execute()
        return sid, csrf

    def session_user(self, sid, ttl_seconds):
        """Return (session, user record) of a live session, sliding its expiry; or (None, None)."""
        return self._cached(("s", sid), lambda: self.store.session_user(sid, ttl_seconds))

    def end_session(self, sid, username):
        """Delete one session."""
        self.forget(sid=sid)
        self.r.delete(self.keys.of("session", sid))
        self.r.srem(self.keys.of("user_sessions", username), sid)

    def end_all_sessions_ops(self, username):
        """Return commit ops that delete every session and token of a user."""
        sids = self.r.smembers(self.keys.of("user_sessions", username))
        tokens = self.r.smembers(self.keys.of("user_tokens", username))
        ops = [("DEL", self.keys.of("session", sid)) for sid in sids]
        ops += [("DEL", self.keys.of("token", th)) for th in tokens]
        ops += [("DEL", self.keys.of("user_sessions", username)), ("DEL", self.keys.of("user_tokens", username))]
        return ops

    # device / API tokens
    def new_token(self, username, name):
        """Return (a new bearer token, the commit ops that store its hash): issued audited."""
        token = "gw_" + secrets.token_urlsafe(32)
        th = _token_hash(token)
        return token, [("HSET", self.keys.of("token", th), "username", username, "name", name),
                       ("SADD", self.keys.of("user_tokens", username), th)]

    def create_token(self, username, name):
        """Create a bearer token for a user, unaudited (test fixtures); the CLI uses audit.service.issue_token."""
        token = "gw_" + secrets.token_urlsafe(32)
        th = _token_hash(token)
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.keys.of("token", th), mapping={"username": username, "name": name})
        pipe.sadd(self.keys.of("user_tokens", username), th)
        pipe.execute()
        return token

    def token_record(self, token):
        """Return the user record a bearer token belongs to, or None (one round trip)."""
        th = _token_hash(token)
        return self._cached(("t", th), lambda: (None, self.store.token_user(th) or None))[1]

    # sign-in throttling (the policy is server/auth/throttle.py)
    def _throttle_keys(self, username, address):
        """Return the keys of this account+address, address and account failure counters."""
        return (self.keys.of("throttle", username, address), self.keys.of("throttle", "*", address),
                self.keys.of("throttle_account", username))

    def sign_in_state(self, username, address):
        """Return (failures of the account from the address, failures from the address,
        ms the account stays locked, whether the address signed the account in before)."""
        mine, anyone, _ = self._throttle_keys(username, address)
        pipe = self.r.pipeline(transaction=False)
        pipe.get(mine)
        pipe.get(anyone)
        pipe.pttl(self.keys.of("sign_in_lock", username))
        pipe.exists(self.keys.of("trusted", username, address))
        mine, anyone, locked_ms, trusted = pipe.execute()
        return int(mine or 0), int(anyone or 0), max(locked_ms, 0), bool(trusted)

    def note_sign_in_failure(self, username, address, window_seconds):
        """Count one failed sign-in; return the three counts (account+address, address, account)."""
        pipe = self.r.pipeline(transaction=True)
        for key in self._throttle_keys(username, address):
            pipe.incr(key)
            pipe.expire(key, window_seconds)
        return tuple(pipe.execute()[::2])

    def note_lock(self, username, keep_seconds):
        """Count one more lock of an account's sign-in; return how many in a row."""
        key = self.keys.of("sign_in_strikes", username)
        pipe = self.r.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, keep_seconds)
        return pipe.execute()[0]

    def lock_sign_in(self, username, seconds):
        """Refuse the account's sign-ins (from untrusted addresses) for a while; restart its count."""
        pipe = self.r.pipeline(transaction=True)
        pipe.set(self.keys.of("sign_in_lock", username), "1", px=max(1, int(seconds * 1000)))
        pipe.delete(self.keys.of("throttle_account", username))
        pipe.execute()

    def note_sign_in_success(self, username, address, trust_seconds):
        """Forget this address's failures for the account and trust the address for it."""
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(self.keys.of("throttle", username, address))
        pipe.set(self.keys.of("trusted", username, address), "1", ex=trust_seconds)
        pipe.execute()
