"""Settings from GATEWATCH_* environment variables (and a .env file)."""
import base64
import os
import pathlib
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ASYNC_MODES = ("eventlet", "gevent", "threading")


class ConfigError(Exception):
    """A setting is missing or wrong; str() is one line naming it."""


@dataclass
class Settings:
    """Everything the server and the CLI read from the environment."""

    redis_url: str | None = None
    data_dir: pathlib.Path = pathlib.Path("var")
    venue_path: pathlib.Path = pathlib.Path("venues/default.yaml")
    secret_key: str = ""
    async_mode: str = "eventlet"
    retention_days: int = 30
    session_hours: float = 12.0
    login_lock_seconds: float = 60.0
    watch_interval: float = 5.0
    resync_after: int = 50000
    checkpoint_every: int = 5000  # events between fold checkpoints (server/checkpoints.py); 0: none
    heartbeat_seconds: float = 5.0
    allowed_origins: list[str] = field(default_factory=list)
    secure_cookies: bool = False
    max_connections: int = 4096
    proxy_hops: int = 0
    metrics_token: str = ""
    data_key: str = ""  # GATEWATCH_DATA_KEY: base64 of 32 bytes, newest first, comma-separated
    testing: bool = False


def read_dotenv(path=".env"):
    """Load KEY=VALUE lines from a .env file without overriding the environment."""
    p = pathlib.Path(path)
    if not p.is_file():
        return
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip().strip('"').strip("'")
        os.environ.setdefault(key.strip(), value)


def _number(env, name, default, kind=float, minimum=0):
    """Read a positive number setting or raise ConfigError naming it."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if value <= minimum:
        raise ConfigError(f"{name}={raw!r} must be greater than {minimum}")
    return value


def _redis_url(env):
    """Validate GATEWATCH_REDIS_URL when given."""
    url = env.get("GATEWATCH_REDIS_URL") or None
    if not url:
        return None
    shown = re.sub(r"//[^@/]*@", "//***@", url)  # never echo a password
    if not re.match(r"^(redis|rediss|unix)://", url):
        raise ConfigError(f"GATEWATCH_REDIS_URL={shown!r} must start with redis://, rediss:// or unix://")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        raise ConfigError(f"GATEWATCH_REDIS_URL={shown!r}: the port is not a number from 1 to 65535") from None
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError(f"GATEWATCH_REDIS_URL={shown!r}: no host")
    if parts.scheme == "unix" and not parts.path:
        raise ConfigError(f"GATEWATCH_REDIS_URL={shown!r}: no socket path")
    return url


def load_settings(env=None, *, dotenv=True):
    """Build Settings from the environment, raising ConfigError on a bad value."""
    if env is None:
        if dotenv:
            read_dotenv()
        env = os.environ
    mode = env.get("GATEWATCH_ASYNC_MODE") or "eventlet"
    if mode not in ASYNC_MODES:
        raise ConfigError(f"GATEWATCH_ASYNC_MODE={mode!r} must be one of {', '.join(ASYNC_MODES)}")
    data_dir = pathlib.Path(env.get("GATEWATCH_DATA_DIR") or "var")
    venue = pathlib.Path(env.get("GATEWATCH_VENUE") or "venues/default.yaml")
    if not venue.is_file():
        raise ConfigError(f"GATEWATCH_VENUE={str(venue)!r}: no such file")
    origins = [o.strip() for o in (env.get("GATEWATCH_ALLOWED_ORIGINS") or "").split(",") if o.strip()]
    return Settings(
        redis_url=_redis_url(env),
        data_dir=data_dir,
        venue_path=venue,
        secret_key=env.get("GATEWATCH_SECRET_KEY") or "",
        async_mode=mode,
        retention_days=_number(env, "GATEWATCH_RETENTION_DAYS", 30, int),
        session_hours=_number(env, "GATEWATCH_SESSION_HOURS", 12.0),
        login_lock_seconds=_number(env, "GATEWATCH_LOGIN_LOCK_SECONDS", 60.0),
        watch_interval=_number(env, "GATEWATCH_WATCH_INTERVAL", 5.0),
        resync_after=_number(env, "GATEWATCH_RESYNC_AFTER", 50000, int),
        checkpoint_every=_number(env, "GATEWATCH_CHECKPOINT_EVERY", 5000, int, minimum=-1),
        heartbeat_seconds=_number(env, "GATEWATCH_HEARTBEAT_SECONDS", 5.0),
        allowed_origins=origins,
        secure_cookies=(env.get("GATEWATCH_SECURE_COOKIES") or "").lower() in ("1", "true", "yes"),
        max_connections=_number(env, "GATEWATCH_MAX_CONNECTIONS", 4096, int),
        proxy_hops=_number(env, "GATEWATCH_PROXY_HOPS", 0, int, minimum=-1),
        metrics_token=env.get("GATEWATCH_METRICS_TOKEN") or "",
        data_key=_data_keys(env),
    )


def _data_keys(env):
    """Validate GATEWATCH_DATA_KEY (one or more base64 keys of 32 bytes) without echoing it."""
    raw = (env.get("GATEWATCH_DATA_KEY") or "").strip()
    for i, part in enumerate(p.strip() for p in raw.split(",") if raw):
        try:
            ok = len(base64.b64decode(part, validate=True)) == 32
        except ValueError:
            ok = False
        if not ok:
            raise ConfigError(f"GATEWATCH_DATA_KEY: key {i + 1} is not base64 of 32 bytes "
                              "(make one with: openssl rand -base64 32)")
    return raw


def ensure_data_dir(settings):
    """Create the data directory, readable by its owner only, or raise ConfigError naming it."""
    try:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        private(settings.data_dir)
    except OSError as exc:
        raise ConfigError(f"GATEWATCH_DATA_DIR={str(settings.data_dir)!r}: {exc.strerror}") from None


def private(folder):
    """Make a folder we own, and what it holds, readable by its owner only (0700 / 0600).

    It holds visitors' data (the Redis append-only file) and the keys that open it; a folder
    made before this rule, or by a looser umask, is tightened on the next start.
    """
    for path in (folder, *folder.rglob("*")):
        if path.is_symlink() or path.is_socket() or path.stat().st_uid != os.getuid():
            continue
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            path.chmod(mode & 0o700)


def secret_key(settings):
    """Return the configured secret key, or one generated once and kept in the data dir."""
    if settings.secret_key:
        return settings.secret_key
    ensure_data_dir(settings)
    path = settings.data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def data_keys(settings):
    """Return the visitor data keys (base64, newest first): configured, or a key file (0600).

    The file is created once, atomically (written aside, then linked into place), so processes
    sharing the data dir agree on one key. Losing it loses every stored ID number.
    """
    if settings.data_key:
        return [k.strip() for k in settings.data_key.split(",") if k.strip()]
    ensure_data_dir(settings)
    path = settings.data_dir / "data_key"
    if not path.exists():
        aside = settings.data_dir / f".data_key.{secrets.token_hex(6)}"
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            os.unlink(aside)
    keys = [k.strip() for k in path.read_text().replace(",", "\n").splitlines() if k.strip()]
    if not keys:
        raise ConfigError(f"{path}: the data key file is empty")
    return keys
