"""The shared document vectors in Chromium: static/js/idcheck.js answers as the server does.

The same file (tests/fixtures/idcheck_vectors.json) is checked against server/identity/idcheck.py
by tests/unit/test_idcheck_vectors.py.
"""
import json
import pathlib

import pytest

from .pw_helpers import new_context

VECTORS = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "idcheck_vectors.json")
                     .read_text(encoding="utf-8"))

RUN = """async (vectors) => {
    const m = await import('/static/js/idcheck.js');
    return {
        ids: vectors.ids.map((v) => m.checkId(v.id_type, v.input, vectors.today)),
        phones: vectors.phones.map((v) => m.checkPhone(v.input)),
        plates: vectors.plates.map((v) => m.normalisePlate(v.input)),
        masks: vectors.masks.map((v) => m.maskId(v.input)),
    };
}"""

TYPING = """async (today) => {
    const { checkTyping } = await import('/static/js/idcheck.js');
    const r = (t, n) => { const x = checkTyping(t, n, today); return [x.state, x.error]; };
    return {
        empty: r('resident_id', ''),
        start: r('resident_id', '110105'),
        letter: r('resident_id', '1101a5'),
        badYear: r('resident_id', '1101051850'),
        noProvince: r('resident_id', '19'),
        badMonth: r('resident_id', '110105194913'),
        badDay: r('resident_id', '11010519490230'),
        goodDate: r('resident_id', '11010519491231'),
        wrongCheck: r('resident_id', '110105194912310021'),
        good: r('resident_id', '11010519491231002x'),
        tooLong: r('resident_id', '11010519491231002X1'),
        passportTyping: r('passport', 'E123'),
        passportDone: r('passport', 'E12345678'),
        oldForeignCard: r('foreign_permanent_resident', 'USA1234'),
    };
}"""


@pytest.fixture(scope="module")
def results(browser, live_server):
    """Run every vector through idcheck.js on the app's origin (the module as pages import it)."""
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/login")
    answers = page.evaluate(RUN, VECTORS)
    typing = page.evaluate(TYPING, VECTORS["today"])
    context.close()
    return answers, typing


@pytest.mark.parametrize("i", range(len(VECTORS["ids"])),
                         ids=[f"{v['id_type']}-{v['why']}" for v in VECTORS["ids"]])
def test_id_numbers_agree_with_the_server(results, i):
    vector = VECTORS["ids"][i]
    assert results[0]["ids"][i] == {"value": vector["value"], "error": vector["error"]}


def test_phones_plates_and_masks_agree_with_the_server(results):
    answers = results[0]
    assert answers["phones"] == [{"value": v["value"], "error": v["error"]} for v in VECTORS["phones"]]
    assert answers["plates"] == [{"plate": v["plate"], "unusual": v["unusual"]} for v in VECTORS["plates"]]
    assert answers["masks"] == [v["masked"] for v in VECTORS["masks"]]


def test_a_number_being_typed_is_refused_as_soon_as_it_cannot_be_right(results):
    typing = results[1]
    assert typing == {
        "empty": ["empty", None], "start": ["typing", None],
        "letter": ["invalid", "id_format_resident_id"], "badYear": ["invalid", "id_birth_year"],
        "noProvince": ["invalid", "id_province"],
        "badMonth": ["invalid", "id_birth_date"], "badDay": ["invalid", "id_birth_date"],
        "goodDate": ["typing", None], "wrongCheck": ["invalid", "id_check_char"], "good": ["valid", None],
        "tooLong": ["invalid", "id_format_resident_id"],
        "passportTyping": ["typing", "id_format_passport"], "passportDone": ["valid", None],
        "oldForeignCard": ["typing", "id_format_foreign_permanent_resident"],
    }
