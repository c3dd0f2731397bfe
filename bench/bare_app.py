"""Bare Flask-SocketIO + Redis baseline: POST -> XADD -> tailer -> emit.

This is the yardstick for `make bench` (DESIGN §6): the least an app on this
stack can do per check-in. It has no auth, no idempotency and no projections,
so every ratio against it shows what Gatewatch's guarantees cost.
"""
import eventlet

# Patch before Flask, redis or logging are imported (DESIGN §9.1).
eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

import redis  # noqa: E402
from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO  # noqa: E402

STREAM = "bare:events"
NAMESPACE = "/live"
BLOCK_MS = 2000
# redis-py's default socket_timeout is 5 s: the tailer's read must outlast its BLOCK (DESIGN §9.5).
TAILER_SOCKET_TIMEOUT = BLOCK_MS / 1000 + 10


def parse_args(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis-url", required=True)
    return parser.parse_args(argv)


def now_iso():
    """Return the current UTC time as ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def envelope(body):
    """Wrap a check-in body in the same envelope shape Gatewatch emits."""
    return {
        "type": "patrol.checkin",
        "ts": now_iso(),
        "actor": {"username": "bench", "role": "guard"},
        "venue": "bare",
        "data": body,
    }


def tail(socketio, conn, last_id):
    """Emit every new stream entry to all /live clients, in stream order."""
    while True:
        try:
            batches = conn.xread({STREAM: last_id}, block=BLOCK_MS, count=500)
        except (redis.ConnectionError, redis.TimeoutError):
            # Redis restarting or stalled: back off without busy-looping, then resume from the cursor.
            socketio.sleep(0.5)
            continue
        for _stream, entries in batches or ():
            for entry_id, fields in entries:
                last_id = entry_id
                event = json.loads(fields["e"])
                event["id"] = entry_id
                socketio.emit("event", event, namespace=NAMESPACE)


def create_app(redis_url):
    """Build the Flask app, its Socket.IO server and the Redis clients."""
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="eventlet", cors_allowed_origins="*")
    writer = redis.Redis.from_url(redis_url, decode_responses=True)

    @app.post("/api/v1/checkins")
    def checkin():
        """Append the check-in to the stream and answer with its event."""
        body = request.get_json(force=True, silent=True) or {}
        event = envelope(body)
        event["id"] = writer.xadd(STREAM, {"e": json.dumps(event)})
        return jsonify(event=event), 201

    @app.get("/readyz")
    def readyz():
        """Answer 200 once Redis answers."""
        writer.ping()
        return jsonify(ok=True)

    @socketio.on("connect", namespace=NAMESPACE)
    def on_connect(auth=None):
        """Accept every client: the baseline has no auth."""
        return True

    return app, socketio, writer


def main(argv=None):
    """Serve the baseline until killed."""
    args = parse_args(argv)
    app, socketio, writer = create_app(args.redis_url)
    # Its own connection, with a socket timeout longer than BLOCK (DESIGN §9.5).
    tailer_conn = redis.Redis.from_url(args.redis_url, decode_responses=True, socket_timeout=TAILER_SOCKET_TIMEOUT)
    start = writer.xinfo_stream(STREAM)["last-generated-id"] if writer.exists(STREAM) else "0-0"
    socketio.start_background_task(tail, socketio, tailer_conn, start)
    print(f"bare_app: serving on {args.host}:{args.port} at {time.strftime('%H:%M:%S')}", flush=True)
    # The same connection limit as Gatewatch (eventlet accepts 1,024 by default): 1,000 clients fit both.
    socketio.run(app, host=args.host, port=args.port, log_output=False, max_size=4096)


if __name__ == "__main__":
    main()
