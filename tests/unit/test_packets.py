"""Live frames go out as one text packet each: JSON, compact UTF-8, no binary attachments."""
from socketio import packet

from server.realtime import socketio_of


def test_a_frame_is_encoded_as_one_compact_text_packet(app):
    packet_class = socketio_of(app).server.packet_class  # as the app configured it
    frame = {"events": [{"id": "1-0", "data": {"checkpoint_id": "E1", "note": "北门 ok"}}],
             "patches": {"patrols": {"E1": None}}, "cursor": "1-0"}
    encoded = packet_class(packet.EVENT, data=["events", frame], namespace="/live").encode()
    assert encoded == '2/live,["events",{"events":[{"id":"1-0","data":{"checkpoint_id":"E1","note":"北门 ok"}}],' \
                      '"patches":{"patrols":{"E1":null}},"cursor":"1-0"}]'


def test_a_packet_a_client_sends_is_read_as_before(app):
    received = socketio_of(app).server.packet_class(encoded_packet='2/live,["resume",{"cursor":"5-0"}]')
    assert received.packet_type == packet.EVENT and received.namespace == "/live"
    assert received.data == ["resume", {"cursor": "5-0"}]
