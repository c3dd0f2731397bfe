"""Document rules: GB 11643 resident IDs, the 2023 foreign permanent resident card, permits,
passports, phones and plates; masking."""
import datetime as dt

import pytest

from server.identity import idcheck
from server.vault import Vault, VaultError

TODAY = dt.date(2026, 5, 1)


def with_check(first17):
    """Return a full 18-character number: the 17 digits and their MOD 11-2 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # written out again on purpose
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


VALID = [with_check(b) for b in ("11010519491231002", "44030619900307123", "31011520000229456",
                                 "65010219000101001", "51010720260501999")]


def test_the_published_example_number_checks():
    """The standard's worked example: 11010519491231002X."""
    assert with_check("11010519491231002") == "11010519491231002X"
    assert idcheck.check_char("11010519491231002") == "X"


@pytest.mark.parametrize("number", VALID)
def test_valid_resident_ids_pass(number):
    assert idcheck.check_id("resident_id", number, TODAY) == (number, None)


@pytest.mark.parametrize("number", VALID)
def test_every_single_substitution_and_adjacent_transposition_fails(number):
    """MOD 11-2 catches every one-character error and every swap of neighbours."""
    for i in range(18):
        for c in "0123456789X":
            if c != number[i] and (i == 17 or c != "X"):
                wrong = number[:i] + c + number[i + 1:]
                assert idcheck.check_id("resident_id", wrong, TODAY)[0] is None, wrong
    for i in range(17):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            assert idcheck.check_id("resident_id", swapped, TODAY)[0] is None, swapped


def test_normalisation_of_full_width_digits_lowercase_x_and_spaces():
    assert idcheck.check_id("resident_id", "１１０１０５ 1949 1231 002x", TODAY) == ("11010519491231002X", None)
    assert idcheck.check_id("resident_id", " 11010519491231002X\t", TODAY)[0] == "11010519491231002X"


@pytest.mark.parametrize("body,reason", [
    ("11010518991231001", idcheck.BAD_EARLY),  # before 1900: its own reason, not "not a real date"
    ("11010519490230001", idcheck.BAD_DATE),  # 30 February
    ("11010520270101001", idcheck.BAD_DATE),  # after TODAY
    ("11010519001301001", idcheck.BAD_DATE),  # month 13
])
def test_impossible_birth_dates_fail_even_with_a_right_check_character(body, reason):
    assert idcheck.check_id("resident_id", with_check(body), TODAY) == (None, reason)


@pytest.mark.parametrize("number", ["1101051949123100", "11010519491231002XX", "A1010519491231002X",
                                    "1101051949123100X2", ""])
def test_wrong_shapes_fail(number):
    assert idcheck.check_id("resident_id", number, TODAY) == (None, idcheck.BAD_FORMAT["resident_id"])


def test_wrong_check_character_says_so_in_both_languages():
    _, error = idcheck.check_id("resident_id", "110105194912310021", TODAY)
    assert error == idcheck.BAD_CHECK and "校验位" in error.zh


def test_foreign_permanent_resident_card():
    card = with_check("93115619850101001")  # 9, province 31, nationality 156
    assert idcheck.check_id("foreign_permanent_resident", card, TODAY) == (card, None)
    wrong = card[:-1] + ("0" if card[-1] != "0" else "1")
    assert idcheck.check_id("foreign_permanent_resident", wrong, TODAY) == (None, idcheck.BAD_CHECK)
    assert idcheck.check_id("foreign_permanent_resident", VALID[0], TODAY)[0] is None  # not a 9
    assert idcheck.check_id("foreign_permanent_resident", "usa310085100012", TODAY)[0] == "USA310085100012"


@pytest.mark.parametrize("id_type,good,bad", [
    ("hk_macau_permit", ["H12345678", "m1234567801"], ["H1234567", "X12345678", "H123456789"]),
    ("taiwan_permit", ["12345678", "1234567890"], ["1234567", "A2345678"]),
    ("passport", ["E12345678", "g 1234 5678", "123456789"], ["ABCDEFG", "E1", "E1234-5678"]),
    ("other", ["ABC-123", "x/9"], ["", "-AB", "A" * 40]),
])
def test_other_documents_have_plausible_formats(id_type, good, bad):
    for number in good:
        assert idcheck.check_id(id_type, number, TODAY)[1] is None, number
    for number in bad:
        assert idcheck.check_id(id_type, number, TODAY)[0] is None, number


def test_masks():
    assert idcheck.mask_id("11010519491231002X") == "110105********002X"
    assert idcheck.mask_id("E12345678") == "E****5678"
    assert idcheck.mask_name("张三") == "张*"
    assert idcheck.mask_name("张三丰") == "张*"
    assert idcheck.mask_name("欧阳娜娜") == "欧阳*"
    assert idcheck.mask_name("john smith") == "J*"
    assert idcheck.mask_name("") == ""


@pytest.mark.parametrize("phone,expected", [
    ("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("+86 139-0000-0000", "13900000000"),
    ("１３８００１３８０００", "13800138000"), ("+44 20 7946 0958", "+44 20 7946 0958"), ("010-12345678", "010-12345678"),
])
def test_phones_accepted(phone, expected):
    assert idcheck.check_phone(phone) == (expected, None)


@pytest.mark.parametrize("phone", ["12345678901", "10000000000", "call me", "1"])
def test_phones_refused(phone):
    assert idcheck.check_phone(phone) == (None, idcheck.BAD_PHONE)


@pytest.mark.parametrize("plate,expected,unusual", [
    ("京A12345", "京A12345", False), ("京a·12345", "京A12345", False), ("粤B-D12345", "粤BD12345", False),
    ("沪 Ａ 1234５", "沪A12345", False), ("粤BD12345", "粤BD12345", False),
    ("使123456", "使123456", True), ("WJ12345", "WJ12345", True), ("京A1234", "京A1234", True),
    ("京AI2345", "京AI2345", True),  # I and O are not used on plates
])
def test_plates_are_normalised_and_unusual_ones_flagged_never_refused(plate, expected, unusual):
    assert idcheck.normalise_plate(plate) == (expected, unusual)


def test_vault_round_trip_binding_and_rotation():
    import base64
    import os
    old, new = (base64.b64encode(os.urandom(32)).decode() for _ in range(2))
    before = Vault([old])
    sealed = before.encrypt("11010519491231002X", "v1")
    assert "11010519491231002X" not in sealed and sealed.split(".")[1] == before.current
    assert before.decrypt(sealed, "v1") == "11010519491231002X"
    with pytest.raises(VaultError):
        before.decrypt(sealed, "v2")  # bound to its record
    rotated = Vault([new, old])  # newest first
    assert rotated.decrypt(sealed, "v1") == "11010519491231002X"  # old ciphertexts still read
    assert rotated.key_of(rotated.encrypt("x", "v3")) == rotated.current != before.current
    assert rotated.blind_index("resident_id", "1") == before.blind_index("resident_id", "1")
    with pytest.raises(VaultError):
        Vault([new]).decrypt(sealed, "v1")


# Property tests: any generated valid number passes; any one-character substitution and any
# swap of two different neighbours fails (what MOD 11-2 guarantees).
from hypothesis import given, settings, strategies as st  # noqa: E402

DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
# GB/T 2260 provinces, and 81-83 of the residence permits of Hong Kong, Macao and Taiwan residents.
PROVINCE_CODES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                  50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
NUMBERS = st.builds(lambda province, area, born, seq: with_check(f"{province}{area:04d}{born:%Y%m%d}{seq:03d}"),
                    st.sampled_from(PROVINCE_CODES), st.integers(0, 9999), DATES, st.integers(0, 999))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 99).filter(lambda p: p not in PROVINCE_CODES), st.integers(0, 9999), DATES,
       st.integers(0, 999))
def test_a_resident_id_of_no_province_fails_even_with_a_right_check_character(province, area, born, seq):
    number = with_check(f"{province:02d}{area:04d}{born:%Y%m%d}{seq:03d}")
    assert idcheck.check_id("resident_id", number, TODAY) == (None, idcheck.BAD_PROVINCE)


@settings(max_examples=300, deadline=None)
@given(NUMBERS)
def test_generated_valid_numbers_pass(number):
    assert idcheck.check_id("resident_id", number, TODAY) == (number, None)
    assert idcheck.check_id("resident_id", " " + number.lower() + " ", TODAY) == (number, None)


@settings(max_examples=300, deadline=None)
@given(NUMBERS, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_a_generated_substitution_fails(number, i, c):
    if c == number[i] or (c == "X" and i < 17):
        return
    assert idcheck.check_id("resident_id", number[:i] + c + number[i + 1:], TODAY)[0] is None


@settings(max_examples=300, deadline=None)
@given(NUMBERS, st.integers(0, 16))
def test_a_generated_transposition_fails(number, i):
    if number[i] == number[i + 1]:
        return
    assert idcheck.check_id("resident_id", number[:i] + number[i + 1] + number[i] + number[i + 2:], TODAY)[0] is None


def every_neighbour(number):
    """Yield every single-character substitution (X anywhere too) and every adjacent transposition."""
    for i in range(len(number)):
        for c in "0123456789X":
            if c != number[i]:
                yield number[:i] + c + number[i + 1:]
    for i in range(len(number) - 1):
        if number[i] != number[i + 1]:
            yield number[:i] + number[i + 1] + number[i] + number[i + 2:]


FOREIGN_2023 = st.builds(lambda area, born, seq: with_check(f"9{area:05d}{born:%Y%m%d}{seq:03d}"),
                         st.integers(11000, 65999), DATES, st.integers(0, 999))


@settings(max_examples=150, deadline=None)
@given(st.one_of(NUMBERS.map(lambda n: ("resident_id", n)), FOREIGN_2023.map(lambda n: ("foreign_permanent_resident", n))))
def test_every_substitution_and_adjacent_transposition_of_a_generated_number_fails(typed):
    """The MOD 11-2 guarantee, exhaustively per generated number, for both 18-character documents."""
    id_type, number = typed
    assert idcheck.check_id(id_type, number, TODAY) == (number, None)
    for wrong in every_neighbour(number):
        assert idcheck.check_id(id_type, wrong, TODAY)[0] is None, wrong


FULL_WIDTH = {ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}


@settings(max_examples=200, deadline=None)
@given(NUMBERS, st.lists(st.integers(0, 18), max_size=4), st.booleans())
def test_generated_numbers_pass_in_full_width_with_spaces_and_a_lowercase_x(number, gaps, wide):
    typed = number.translate(FULL_WIDTH) if wide else number
    for at in sorted(gaps, reverse=True):
        typed = typed[:at] + " " + typed[at:]
    assert idcheck.check_id("resident_id", typed.replace("X", "x"), TODAY) == (number, None)
