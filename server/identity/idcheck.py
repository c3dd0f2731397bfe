"""Identity documents, phone numbers and plates: normalise, check, mask (pure: no I/O).

Each check returns (normalised value, None) or (None, Text) with the reason in both languages.
"""
import datetime as dt
import re
import unicodedata
from typing import Literal

from server.errors import Text

ID_TYPES = ("resident_id", "foreign_permanent_resident", "hk_macau_permit", "taiwan_permit",
            "passport", "other")
# GB 11643-1999 / ISO 7064 MOD 11-2: weights of the first 17 characters, and the check
# character for each remainder 0..10.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# The first two digits of a resident ID: a GB/T 2260 province (71 is Taiwan, 81 Hong Kong, 82
# Macao), or 83, which the residence permits of Taiwan residents use (810000/820000/830000: the
# permits of Hong Kong and Macao residents fall on 81 and 82). Nothing else was ever issued.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split())

# re.ASCII: \d must not take other scripts' digits (٠١٢…), or one document would have
# two blind indexes and slip past the watchlist.
RESIDENT = re.compile(r"^\d{6}(\d{8})\d{3}[\dX]$", re.ASCII)
# The 2023 foreign permanent resident ID card: 9, province (2), nationality (3), birth date (8),
# sequence (3), check character, on the resident-ID check rule.
FOREIGN_2023 = re.compile(r"^9\d{5}(\d{8})\d{3}[\dX]$", re.ASCII)
# Earlier (2004/2017) cards: three letters of nationality, then 12 digits; no check character.
FOREIGN_OLD = re.compile(r"^[A-Z]{3}\d{12}$", re.ASCII)
# Mainland travel permit for Hong Kong and Macao residents: H or M, 8 digits (+2 issue digits).
HK_MACAU = re.compile(r"^[HM]\d{8}(\d{2})?$", re.ASCII)
# Mainland travel permit for Taiwan residents: 8 digits since 2015; older ones 10 digits.
TAIWAN = re.compile(r"^\d{8}(\d{2})?$", re.ASCII)
PASSPORT = re.compile(r"^(?=.*\d)[A-Z0-9]{5,20}$")
OTHER = re.compile(r"^[A-Z0-9][A-Z0-9\-./]{2,31}$")

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PHONE_TEXT = re.compile(r"^\+?[0-9][0-9 ()\-/]{3,30}$")

# Ordinary plates: province character, a letter, five of letters/digits (7); new-energy: six (8).
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_ORDINARY = re.compile(rf"^[{PROVINCES}][A-Z][A-HJ-NP-Z0-9]{{5}}$")
PLATE_NEW_ENERGY = re.compile(rf"^[{PROVINCES}][A-Z][A-HJ-NP-Z0-9]{{6}}$")
PLATE_DROP = re.compile(r"[\s·•・\-]")

BAD_FORMAT = {
    "resident_id": Text("must be 18 characters: 17 digits and a digit or X",
                        "应为 18 位：17 位数字加一位数字或 X"),
    "foreign_permanent_resident": Text("must be the 18-character card number beginning with 9 "
                                       "(or an older 15-character one)",
                                       "应为以 9 开头的 18 位证件号码（或旧版 15 位）"),
    "hk_macau_permit": Text("must be H or M followed by 8 or 10 digits", "应为 H 或 M 加 8 位或 10 位数字"),
    "taiwan_permit": Text("must be 8 or 10 digits", "应为 8 位或 10 位数字"),
    "passport": Text("must be 5–20 letters and digits", "应为 5–20 位字母和数字"),
    "other": Text("must be 3–32 letters, digits, - . /", "应为 3–32 位字母、数字或 - . /"),
}
BAD_DATE = Text("the birth date in the number is not a real date", "号码中的出生日期无效")
BAD_EARLY = Text("the birth year in the number is before 1900: check digits 7–10",
                 "号码中的出生年份早于 1900 年：请核对第 7–10 位")
BAD_PROVINCE = Text("the first two digits are not a province: check them",
                    "前两位不是有效的省级行政区代码：请核对")
BAD_CHECK = Text("the check character does not match: a digit was mistyped",
                 "校验位不符：有数字输入错误")
BAD_PHONE = Text("must be a mobile number of 11 digits starting 13–19, or a number with + and "
                 "country code", "应为 11 位手机号（13–19 开头），或带 + 和国家代码的号码")

# The document types as a request model's field type (the same list as ID_TYPES), and the
# field error code of each reason a resident ID is refused for.
IdType = Literal["resident_id", "foreign_permanent_resident", "hk_macau_permit", "taiwan_permit",
                 "passport", "other"]
ID_CODES = {BAD_DATE: "id_birth_date", BAD_EARLY: "id_birth_year",
            BAD_PROVINCE: "id_province", BAD_CHECK: "id_check_char"}


def normalise_id(number):
    """Return an ID number in half-width upper case without spaces (全角 digits, lowercase x)."""
    text = unicodedata.normalize("NFKC", number or "")
    return re.sub(r"\s+", "", text).upper()


def check_char(first17):
    """Return the MOD 11-2 check character of the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def _birth_error(text, today):
    """Return why YYYYMMDD is not a birth date from 1900 up to today, or None when it is."""
    if text[:4] < str(EARLIEST_BIRTH.year):
        return BAD_EARLY  # a real date maybe, but no resident ID was issued for it
    try:
        born = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return BAD_DATE
    return None if born <= today else BAD_DATE


def _checked_18(number, pattern, today, province=False):
    """Check an 18-character number: its province (when asked), birth date and check character."""
    match = pattern.match(number)
    if not match:
        return None
    if province and number[:2] not in PROVINCE_CODES:
        return BAD_PROVINCE
    born = _birth_error(match.group(1), today)
    if born is not None:
        return born
    if check_char(number[:17]) != number[17]:
        return BAD_CHECK
    return ""


def check_id(id_type, number, today=None):
    """Return (normalised number, None) when it is plausible for its type, else (None, Text)."""
    today = today or dt.date.today()
    value = normalise_id(number)
    if id_type == "resident_id":
        error = _checked_18(value, RESIDENT, today, province=True)
    elif id_type == "foreign_permanent_resident":
        error = _checked_18(value, FOREIGN_2023, today)
        if error is None and FOREIGN_OLD.match(value):
            error = ""
    else:
        pattern = {"hk_macau_permit": HK_MACAU, "taiwan_permit": TAIWAN, "passport": PASSPORT,
                   "other": OTHER}.get(id_type)
        error = "" if pattern and pattern.match(value) else None
    if error is None:
        return None, BAD_FORMAT.get(id_type, BAD_FORMAT["other"])
    return (value, None) if not error else (None, error)


def mask_id(number):
    """Return the shown form of an ID: first 6 and last 4 (shorter documents show less)."""
    keep = 6 if len(number) >= 14 else 2 if len(number) >= 12 else 1
    last = 4 if len(number) >= keep + 5 else 2
    return number[:keep] + "*" * (len(number) - keep - last) + number[-last:]


def check_phone(phone):
    """Return (normalised phone, None) or (None, Text); a mainland mobile is checked strictly."""
    text = unicodedata.normalize("NFKC", phone or "").strip()
    digits = re.sub(r"[\s\-]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if re.fullmatch(r"\d{11}", digits) and digits.startswith("1"):
        return (digits, None) if MOBILE.match(digits) else (None, BAD_PHONE)
    if PHONE_TEXT.match(text):
        return re.sub(r"\s+", " ", text), None
    return None, BAD_PHONE


def normalise_plate(plate):
    """Return (plate in upper half-width without separators, unusual?); never refuse one."""
    text = PLATE_DROP.sub("", unicodedata.normalize("NFKC", plate or "")).upper()
    usual = PLATE_ORDINARY.match(text) or PLATE_NEW_ENERGY.match(text)
    return text, not usual


# Two-character surnames, so 欧阳娜娜 is shown as 欧阳* rather than 欧*.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木 "
    "南宫 西门 独孤 百里 呼延 澹台 万俟 闻人 东郭 申屠 太史 公冶 濮阳 赫连".split())


def mask_name(name):
    """Return the surname and a masked given name: 张*; Latin names: first letter and *."""
    name = (name or "").strip()
    if not name:
        return ""
    if unicodedata.name(name[0], "").startswith("CJK"):
        surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]
        return surname + "*"
    return name[0].upper() + "*"
