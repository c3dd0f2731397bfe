"""Account rules and services: create, disable, enable, reset, authenticate. No Flask here."""
import functools
import pathlib
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from server import events as ev
from server import ledger, offload
from server.accounts.rules import DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME, USERNAME_RULE
from server.auth.roles import ROLES
from server.errors import Conflict, InvalidInput, NotFound, Text, check
from server.store import KeyExists
from server.store.accounts import session_tag

# The actors the server records for itself (the watcher and bootstrap, `gatewatch users …`,
# `gatewatch demo`): a user by one of these names would pass for the system on the timeline
# and share its idempotency scope.
RESERVED_USERNAMES = frozenset({ev.SYSTEM_ACTOR["username"], "cli", "demo"})
COMMON_PASSWORDS = pathlib.Path(__file__).with_name("common_passwords.txt")
# A hash to check against when the user does not exist, so timing does not reveal names: a
# scrypt hash with hash_password's cost, written out because computing it took ~0.1 s of
# every start-up (werkzeug: generate_password_hash("not-a-real-password", method="scrypt")).
_DUMMY_HASH = ("scrypt:32768:8:1$sFcUFlwzCv4Wn9iD$2bbbe4232dc3ed9d8808c5a9539b953aa6e5911a7893aa542d68331480b49364"
               "785ba939bc75aa5527606be2eb8baff115ad992886bbe3326dfac50e065fda77")


def hash_password(password):
    """Return a strong salted hash (scrypt) of a password."""
    return generate_password_hash(password, method="scrypt")


def hashed(ctx, password):
    """Return hash_password(password), computed off the request loop (server/offload.py)."""
    return offload.run_heavy(ctx, hash_password, password, kind="password")


def _matches(ctx, pw_hash, password):
    """Tell whether a password matches a stored hash, checked off the request loop."""
    return offload.run_heavy(ctx, check_password_hash, pw_hash, password, kind="password")


def _validate(username, role, password, display_name):
    """Return field errors for a new user."""
    fields = {}
    if not isinstance(username, str) or not USERNAME.match(username):
        fields["username"] = USERNAME_RULE
    elif username in RESERVED_USERNAMES:
        fields["username"] = Text("reserved for the system; choose another name", "系统保留的名称，请另选一个")
    if role not in ROLES:
        fields["role"] = Text(f"must be one of: {', '.join(ROLES)}", f"应为以下之一：{', '.join(ROLES)}")
    fields.update(_password_errors(password, username))
    if display_name is not None and (not isinstance(display_name, str) or len(display_name) > DISPLAY_NAME_MAX):
        fields["display_name"] = Text(f"at most {DISPLAY_NAME_MAX} characters", f"最多 {DISPLAY_NAME_MAX} 个字符")
    return fields


@functools.cache
def common_passwords():
    """Return the shipped set of common passwords (lower case)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _password_errors(password, username=None):
    """Return field errors for a password (NIST SP 800-63B; no composition rules)."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        return {"password": Text(f"at least {PASSWORD_MIN} characters", f"至少 {PASSWORD_MIN} 个字符")}
    if len(password) > PASSWORD_MAX:
        return {"password": Text(f"at most {PASSWORD_MAX} characters", f"最多 {PASSWORD_MAX} 个字符")}
    if not password.strip():
        return {"password": Text("cannot be only spaces", "不能只有空格")}
    guess = password.strip().lower()
    if guess in common_passwords():
        return {"password": Text("too common (it is on lists of leaked passwords); choose another",
                                 "过于常见（出现在泄露密码列表中），请另选一个")}
    if isinstance(username, str) and guess == username.lower():
        return {"password": Text("must not be the username", "不能与用户名相同")}
    return {}


def public(rec):
    """Return what may be shown of a user record."""
    return {"username": rec["username"], "role": rec["role"],
            "display_name": rec.get("display_name") or rec["username"],
            "disabled": rec.get("disabled") == "1"}


def add_user(ctx, *, actor, username, role, password, display_name=None, idem=None):
    """Create a user with a hashed password and an audit event."""
    check(_validate(username, role, password, display_name))
    rec = {"username": username, "role": role, "display_name": display_name or username,
           "pw_hash": hashed(ctx, password), "disabled": "0"}
    ops = [("HSET", ctx.accounts.user_key(username), *[x for kv in rec.items() for x in kv]),
           ("SADD", ctx.accounts.users_key(), username)]
    event = ev.draft(ev.USER_CREATED, actor=actor, data={"username": username, "role": role})
    try:
        return ledger.record(ctx, [event], idem=idem, ops=ops, absent=[ctx.accounts.user_key(username)],
                             body=lambda envs: {"user": public(rec), "event": envs[0]})
    except KeyExists:
        raise Conflict(f"User {username} already exists.",
                       fields={"username": Text("already taken", "已被占用")}) from None


def _existing(ctx, username):
    """Return a user's record or raise NotFound."""
    rec = ctx.accounts.get_user(username)
    if not rec:
        raise NotFound(f"No user {username}.")
    return rec


def set_disabled(ctx, *, actor, username, disabled, idem=None):
    """Disable (ending every session and token) or enable a user."""
    rec = _existing(ctx, username)
    if disabled and username == actor["username"]:
        raise Conflict("You cannot disable your own account.")
    ops = [("HSET", ctx.accounts.user_key(username), "disabled", "1" if disabled else "0")]
    if disabled:
        ops += ctx.accounts.end_all_sessions_ops(username)
    rec = dict(rec, disabled="1" if disabled else "0")
    event = ev.draft(ev.USER_DISABLED if disabled else ev.USER_ENABLED, actor=actor,
                     data={"username": username})
    committed = ledger.record(ctx, [event], idem=idem, status=200, ops=ops,
                              body=lambda envs: {"user": public(rec), "event": envs[0]})
    ctx.accounts.forget(username)  # here at once; other processes on the event
    return committed


def reset_password(ctx, *, actor, username, password, idem=None):
    """Set a new password, ending the user's sessions."""
    rec = _existing(ctx, username)
    check(_password_errors(password, username))
    ops = [("HSET", ctx.accounts.user_key(username), "pw_hash", hashed(ctx, password))]
    ops += ctx.accounts.end_all_sessions_ops(username)
    event = ev.draft(ev.USER_PASSWORD_RESET, actor=actor, data={"username": username})
    committed = ledger.record(ctx, [event], idem=idem, status=200, ops=ops,
                              body=lambda envs: {"user": public(rec), "event": envs[0]})
    ctx.accounts.forget(username)  # here at once; other processes on the event
    return committed


def authenticate(ctx, *, username, password):
    """Return the user record for valid, enabled credentials, else None."""
    rec = ctx.accounts.get_user(username) if isinstance(username, str) and username else None
    if not isinstance(password, str):
        password = ""
    if not rec:
        _matches(ctx, _DUMMY_HASH, password)
        return None
    if not _matches(ctx, rec["pw_hash"], password) or rec.get("disabled") == "1":
        return None
    return rec


def sign_out(ctx, *, actor, session_id):
    """End a session and tell every process to drop its sockets."""
    ctx.accounts.end_session(session_id, actor["username"])
    event = ev.draft(ev.USER_SIGNED_OUT, actor=actor,
                     data={"username": actor["username"], "session": session_tag(session_id)})
    ledger.record(ctx, [event])


def ensure_first_admin(ctx):
    """Create `admin` with a random password when no user exists; return the password or None."""
    if ctx.accounts.count_users():
        return None
    password = secrets.token_urlsafe(12)
    idem = ledger.system_idempotency("first-admin", {"username": "admin"})
    try:
        committed = add_user(ctx, actor=ev.SYSTEM_ACTOR, username="admin", role="admin",
                             password=password, display_name="Administrator", idem=idem)
    except (Conflict, InvalidInput):
        return None  # another process won the race
    return None if committed.replayed else password
