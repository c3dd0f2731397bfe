"""How Socket.IO packets are encoded: server/jsontext.py (orjson, json where orjson refuses).

Every live frame is encoded once per audience; the standard module took ~8 µs for a one-event
frame and escaped every Chinese character as six bytes (\\uXXXX). Compact UTF-8 is several times
faster to write; the browser parses either the same.

Gatewatch sends JSON only over Socket.IO (photos travel over HTTP), so its packets skip
python-socketio's search for bytes in every frame: a walk of the whole frame, ~5 µs per event.
"""
from socketio.packet import Packet

from server import jsontext


class JsonPacket(Packet):
    """A Socket.IO packet that never carries binary attachments."""

    uses_binary_events = False


def dumps(value, **_options):
    """Encode a packet's data as text (Socket.IO's separators options: compact already)."""
    return jsontext.dumps(value).decode()


def loads(text, **_options):
    """Decode a packet's data."""
    return jsontext.loads(text)
