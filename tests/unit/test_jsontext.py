"""The fast JSON of answers, frames and checkpoints means what the standard json means."""
import json
import math

from server import jsontext


def test_chinese_is_written_as_utf8_and_compact():
    assert jsontext.dumps({"name": "北门", "n": [1, 2]}) == '{"name":"北门","n":[1,2]}'.encode()


def test_what_orjson_refuses_is_written_and_read_as_json_would():
    big = {"count": 2**70, 3: "three"}
    assert json.loads(jsontext.dumps(big)) == {"count": 2**70, "3": "three"}
    assert jsontext.loads(json.dumps({"count": 2**70})) == {"count": 2**70}
    assert math.isnan(jsontext.loads('{"x": NaN}')["x"])  # json.dumps writes NaN; it must read back
    # A lone surrogate (hostile input echoed in a packet) has no UTF-8 form: escaped, not a crash.
    assert json.loads(jsontext.dumps({"token": "gw_\ud800"})) == {"token": "gw_\ud800"}


def test_a_value_neither_can_write_is_refused_not_mangled():
    try:
        jsontext.dumps({"x": object()})
    except TypeError:
        return
    raise AssertionError("an unknown object was written")


def _stored_before(value):
    """Return the stored form events and projections had when the standard json wrote them."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def test_the_stored_form_is_the_same_bytes_the_standard_json_wrote():
    # Rebuilt projections and a guard's expected old value compare text: an upgrade must not
    # make every stored entry look changed.
    values = [{"checkpoint_id": "E1", "last_guard": "张伟", "last_status": "clear", "note": 'say "hi"\n\t\x01\u2028',
               "b": [1, None, True, 0.5], "a": {"z": 1, "y": {"d": [], "c": {}}}}, [], "", 2**63 - 1, -7]
    for value in values:
        assert jsontext.canonical(value) == _stored_before(value)


def test_the_stored_form_writes_what_orjson_refuses_as_json_did():
    assert jsontext.canonical({"n": 2**70, "b": 1}) == '{"b":1,"n":1180591620717411303424}'
    assert jsontext.canonical({3: "three"}) == '{"3":"three"}'
