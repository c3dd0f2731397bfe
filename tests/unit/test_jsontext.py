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

