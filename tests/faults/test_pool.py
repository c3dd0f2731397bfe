"""The store's pool lends only clean connections: never one holding an old reply or closed by Redis.

Its check is a peek on the socket, not redis-py's selector (a trip through eventlet's loop per
command): these tests hold it to the same promises, with a real redis-server, and under
eventlet in a process of its own.
"""
import subprocess
import sys
import textwrap
import time

import pytest

from server.store import REDIS_ERROR, UNAVAILABLE, connect, run_script
from server.store.pool import has_data

# The two promises, in a process patched by an async mode (where the peek is what checks).
GREEN = """
import {patch}
from server.store import connect
client = connect({url!r}, retries=0)
client.set("green:a", "first")
conn = client.connection_pool.get_connection()
conn.send_command("GET", "green:a")  # its reply is never read
assert conn.can_read(timeout=5)  # it has arrived: the next lender must see it
client.connection_pool.release(conn)
assert client.set("green:b", "second") is True and client.get("green:b") == "second"
client.client_setname("doomed")
admin = connect({url!r})
assert admin.client_kill_filter(_type=None, skipme=True) >= 1
while any(c["name"] == "doomed" for c in admin.client_list()):  # closed (Redis may free it late)
    pass
assert client.get("green:a") == "first"
print("ok")
"""
PATCHES = {"eventlet": "eventlet; eventlet.monkey_patch()", "gevent": "gevent.monkey; gevent.monkey.patch_all()"}


def test_a_connection_left_with_an_unread_reply_is_not_lent_again(redis_server):
    client = connect(redis_server.url, retries=0)
    client.set("pool:a", "first")
    conn = client.connection_pool.get_connection()
    conn.send_command("GET", "pool:a")  # its reply is never read
    assert conn.can_read(timeout=5)  # it has arrived: the next lender must see it
    client.connection_pool.release(conn)
    # The next command must get its own answer, not the GET's stale one.
    assert client.set("pool:b", "second") is True
    assert client.get("pool:b") == "second"


def test_a_connection_redis_closed_is_replaced_before_use(redis_server):
    client = connect(redis_server.url, retries=0)  # no retry: only the pool's check can save it
    client.set("pool:c", "kept")
    client.client_setname("doomed")
    admin = connect(redis_server.url)
    killed = admin.client_kill_filter(_type=None, skipme=True)
    assert killed >= 1
    while any(c["name"] == "doomed" for c in admin.client_list()):  # closed (Redis may free it late)
        pass
    assert client.get("pool:c") == "kept"


def test_an_idle_connection_is_lent_as_it_is(redis_server):
    client = connect(redis_server.url)
    client.ping()
    before = client.connection_pool.get_connection()
    client.connection_pool.release(before)
    client.ping()
    after = client.connection_pool.get_connection()
    client.connection_pool.release(after)
    assert after is before and after._sock is not None


@pytest.mark.parametrize("mode", sorted(PATCHES))
def test_green_processes_get_clean_connections_too(redis_server, mode):
    script = GREEN.format(patch=PATCHES[mode], url=redis_server.url)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_the_check_never_waits_under_eventlet():
    # A green recv would park until data came: the check would hang on an idle socket.
    script = textwrap.dedent("""
        import eventlet
        eventlet.monkey_patch()
        import socket
        from server.store.pool import has_data
        a, b = socket.socketpair()
        assert type(a).__module__.startswith("eventlet"), type(a)
        assert has_data(a) is False
        b.sendall(b"x")
        eventlet.sleep(0.01)
        assert has_data(a) is True and a.recv(1) == b"x"  # peeked, not taken
        assert has_data(a) is False
        b.close()
        eventlet.sleep(0.01)
        assert has_data(a) is True  # closed by the peer: replace the connection
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_a_blocking_socket_is_left_to_redis_py_and_a_non_blocking_one_peeked():
    import socket
    a, b = socket.socketpair()
    try:
        a.settimeout(5)
        assert has_data(a) is None  # a peek would first wait up to 5 s for data
        a.setblocking(False)
        assert has_data(a) is False
        b.sendall(b"y")
        assert has_data(a) is True
    finally:
        a.close()
        b.close()


# run_script: the commit's own path to Redis, holding the promises redis-py's keeps.
COUNTER = "return redis.call('INCR', KEYS[1])"
# Counts its runs, then holds Redis for 0.6 s: longer than the 0.2 s the client waits.
SLOW_COUNT = ("local n = redis.call('INCR', KEYS[1]) local t = redis.call('TIME') "
              "local stop = t[1] * 1000000 + t[2] + 600000 "
              "repeat local now = redis.call('TIME') until now[1] * 1000000 + now[2] >= stop return n")


def test_a_script_redis_forgot_is_loaded_again(redis_server):
    client = connect(redis_server.url)
    script = client.register_script(COUNTER)
    assert run_script(client, script, ["pool:n"], []) == 1
    client.script_flush()  # as after a restart: the script cache is empty
    assert run_script(client, script, ["pool:n"], []) == 2
    assert not client.connection_pool._in_use_connections  # every connection given back


def test_an_error_redis_answers_is_raised_and_the_connection_kept(redis_server):
    client = connect(redis_server.url)
    failing = client.register_script("return redis.error_reply('refused')")
    with pytest.raises(REDIS_ERROR, match="refused"):
        run_script(client, failing, [], [])
    assert client.connection_pool._available_connections[0]._sock is not None  # still connected
    assert client.ping()


def test_a_call_that_times_out_is_sent_again_only_as_the_client_allows(redis_server):
    # The commit without an idempotency record goes through a client that never resends (a
    # second run could record the fact twice); the others resend, as redis-py itself would.
    admin = connect(redis_server.url)
    for retries in (0, 3):
        client = connect(redis_server.url, timeout=0.2, retries=retries)
        slow = client.register_script(SLOW_COUNT)
        key = f"pool:slow{retries}"
        with pytest.raises(UNAVAILABLE):
            run_script(client, slow, [key], [])
        runs = None
        while runs != admin.get(key):  # settled: no run is still going, none starts after
            runs = admin.get(key)
            time.sleep(0.8)
        assert (int(runs) == 1) if retries == 0 else (int(runs) >= 2)
        # The late reply is never read as the next command's answer.
        client.set("pool:after", "mine")
        assert client.get("pool:after") == "mine"
        assert not client.connection_pool._in_use_connections


def test_a_script_receives_text_and_bytes_exactly_as_sent(redis_server):
    client = connect(redis_server.url, text=False)
    echo = client.register_script("return ARGV")
    args = ["北门 E1", "say \"hi\"\n", b"\x00\xff\xd8photo", "", "x" * 70000]
    assert run_script(client, echo, [], args) == [a if isinstance(a, bytes) else a.encode() for a in args]
