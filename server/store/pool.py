"""Connections to Redis: clients with their retry rule, on a pool whose check costs one system call.

redis-py checks every connection it lends for unread bytes (a stale reply, or a socket the
server closed) with poll(); eventlet removes poll(), so redis-py falls back to a selector,
which under eventlet is a green select: a trip through the event loop for every command,
~8 % of a check-in's CPU under load. Here the same check is a non-blocking peek on the real
socket, under eventlet and gevent; a connection with unread bytes (or closed by Redis), or a
blocking socket (threads, where poll() is cheap), is left to redis-py's own check and handling.
"""
import _socket
import socket

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

try:
    from hiredis import pack_command as PACK  # hiredis ≥ 2.0, which redis-py packs with too
except ImportError:
    PACK = None

# Any error Redis answers with (for one-line CLI reports).
REDIS_ERROR = redis.RedisError
# Redis being away is a 503 with Retry-After, never a 500 (DESIGN §7 / issue 2).
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError,
               redis.exceptions.ReadOnlyError, redis.exceptions.MasterDownError)

DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)  # Linux and the BSDs; elsewhere redis-py's own check


def has_data(sock):
    """Tell whether a socket has bytes to read, or was closed by its peer, without waiting."""
    if hasattr(sock, "pending") and sock.pending():  # TLS: decrypted bytes held above the socket
        return True
    raw = _real(sock)
    if not DONTWAIT or not isinstance(raw, _socket.socket) or raw.gettimeout() != 0.0:
        # Not a non-blocking socket (threads: redis-py's poll() is cheap there; a socket
        # with a timeout would first wait for data): let redis-py check it its own way.
        return None
    try:
        # The C method, not the green one (which would wait for data). Peeked, not taken;
        # b"" (the peer closed) counts as readable, as it does for poll().
        _socket.socket.recv(raw, 1, socket.MSG_PEEK | DONTWAIT)
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True  # a broken socket: reconnect
    return True


def _real(sock):
    """Return the real socket under a green one (eventlet keeps it as .fd, gevent as ._sock)."""
    for _ in range(3):  # eventlet may wrap a green socket in another
        if isinstance(sock, _socket.socket) or sock is None:
            return sock
        sock = getattr(sock, "fd", None) or getattr(sock, "_sock", None)
    return sock


class Pool(redis.ConnectionPool):
    """redis-py's pool, checking lent connections by a peek (see the module's docstring)."""

    def ensure_connection(self, connection):
        """Lend a connected socket with nothing unread as it is; anything else as redis-py would."""
        sock = getattr(connection, "_sock", None)
        if sock is not None and has_data(sock) is False:
            return  # what redis-py's own check would find, without its trip through the loop
        super().ensure_connection(connection)  # connect, or judge the unread bytes (reconnect)


def client(url, **options):
    """Return a redis.Redis on a Pool for the URL (as redis.Redis.from_url would build it)."""
    answer = redis.Redis(connection_pool=Pool.from_url(url, **options))
    answer.auto_close_connection_pool = True
    return answer


def run_script(client, script, keys, args):
    """Run a registered script on one pooled connection; answer as `script(keys, args, client)`.

    redis-py's command path adds ~26 µs of bookkeeping per call (timers, observability hooks,
    closures) to packing and parsing, and the commit script runs once per fact. The rest is
    redis-py's own: the client's retry rule (a stale connection is closed and the call sent
    again, as often as the client allows), and a script Redis forgot (restarted, or flushed)
    loaded again.
    """
    pool = client.connection_pool
    conn = pool.get_connection()
    try:
        return conn.retry.call_with_retry(lambda: _evalsha(conn, script.sha, keys, args),
                                          lambda _error: conn.disconnect())
    except redis.exceptions.NoScriptError:
        pass  # answered in full: the connection is fine; redis-py loads the script and runs it
    except redis.ResponseError:
        raise  # an error Redis answered: the connection is fine
    except BaseException:
        conn.disconnect()  # a reply may be left half read: never lend this socket as it is
        raise
    finally:
        pool.release(conn)
    return script(keys=keys, args=args, client=client)


def _evalsha(conn, sha, keys, args):
    """Send EVALSHA on a connection and read its answer."""
    if PACK is None:
        conn.send_command("EVALSHA", sha, len(keys), *keys, *args)
    else:
        # The same bytes redis-py's packer writes, without its per-argument encoding in
        # Python (~25 µs for a check-in's ~40 arguments, ~4 µs here).
        conn.send_packed_command([PACK(("EVALSHA", sha, len(keys), *keys, *args))])
    return conn.read_response()


# A pooled connection may be stale (Redis restarted, or a half-open socket nobody closed): a
# command that fails on it with a connection error or a timeout is sent once more, on a fresh
# connection, after a short pause; Redis truly away still fails fast (503 with Retry-After).
RETRY_ERRORS = [redis.ConnectionError, redis.TimeoutError]


def connect(url, *, timeout=5.0, text=True, retries=1):
    """Open a client for the given URL, answering str (or bytes when not `text`).

    `retries` is how often a command failing on a stale connection is sent again; 0 for
    writes that a second run could double.
    """
    return client(url, decode_responses=text, socket_timeout=timeout,
                  socket_connect_timeout=2, health_check_interval=10,
                  retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), retries),
                  retry_on_error=RETRY_ERRORS if retries else [])
