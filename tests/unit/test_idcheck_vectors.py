"""The shared document vectors, on the server side: server/identity/idcheck.py gives each answer.

static/js/idcheck.js must give the same answers (tests/browser/test_idcheck_js.py), so a guard's
phone refuses exactly what the server refuses.
"""
import datetime as dt
import json
import pathlib

import pytest

from server.identity import idcheck
from server.identity.idcheck import ID_CODES

VECTORS = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "idcheck_vectors.json")
                     .read_text(encoding="utf-8"))
TODAY = dt.date.fromisoformat(VECTORS["today"])


def test_the_vectors_cover_every_type_and_every_kind_of_refusal():
    ids = VECTORS["ids"]
    for id_type in idcheck.ID_TYPES:
        assert any(v["id_type"] == id_type and v["error"] is None for v in ids), id_type
        assert any(v["error"] == f"id_format_{id_type}" for v in ids), id_type
    assert {"id_birth_date", "id_check_char"} <= {v["error"] for v in ids}
    assert {v["error"] for v in VECTORS["phones"]} == {None, "phone_format"}
    assert {v["unusual"] for v in VECTORS["plates"]} == {True, False}


@pytest.mark.parametrize("vector", VECTORS["ids"], ids=lambda v: f"{v['id_type']}-{v['why']}")
def test_id_numbers(vector):
    value, error = idcheck.check_id(vector["id_type"], vector["input"], TODAY)
    code = None if error is None else ID_CODES.get(error, f"id_format_{vector['id_type']}")
    assert (value, code) == (vector["value"], vector["error"])


@pytest.mark.parametrize("vector", VECTORS["phones"], ids=lambda v: v["why"])
def test_phones(vector):
    value, error = idcheck.check_phone(vector["input"])
    assert (value, None if error is None else "phone_format") == (vector["value"], vector["error"])


@pytest.mark.parametrize("vector", VECTORS["plates"], ids=lambda v: v["why"])
def test_plates(vector):
    assert idcheck.normalise_plate(vector["input"]) == (vector["plate"], vector["unusual"])


@pytest.mark.parametrize("vector", VECTORS["masks"], ids=lambda v: v["input"])
def test_masks(vector):
    assert idcheck.mask_id(vector["input"]) == vector["masked"]
