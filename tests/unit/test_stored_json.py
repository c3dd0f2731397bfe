"""The form the store writes events, projections and answers in: orjson, sorted keys, the old bytes."""
import json

from server.store.commit import dumps as stored_form


def _stored_before(value):
    """Return the stored form events and projections had when the standard json wrote them."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def test_the_stored_form_is_the_same_bytes_the_standard_json_wrote():
    # Rebuilt projections and a guard's expected old value compare text: an upgrade must not
    # make every stored entry look changed.
    values = [{"checkpoint_id": "E1", "last_guard": "张伟", "last_status": "clear", "note": 'say "hi"\n\t\x01\u2028',
               "b": [1, None, True, 0.5], "a": {"z": 1, "y": {"d": [], "c": {}}}}, [], "", 2**63 - 1, -7]
    for value in values:
        assert stored_form(value) == _stored_before(value)


def test_the_stored_form_writes_what_orjson_refuses_as_json_did():
    assert stored_form({"n": 2**70, "b": 1}) == '{"b":1,"n":1180591620717411303424}'
    assert stored_form({3: "three"}) == '{"3":"three"}'
