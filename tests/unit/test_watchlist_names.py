"""Watchlist name matching: normalisation, traditional/simplified, pinyin against romanised names."""
import pytest

from server.watchlist import names
from server.watchlist.match import Hit


@pytest.mark.parametrize("raw,normal", [
    ("張偉", "张伟"),
    ("张 伟", "张伟"),
    ("ＺＨＡＮＧ　ＷＥＩ", "zhang wei"),
    ("  Zhang   Wei ", "zhang wei"),
    ("歐陽娜娜", "欧阳娜娜"),
    ("买买提·艾力", "买买提艾力"),
    ("O'Brien-Smith", "o'brien smith"),
])
def test_normalise_width_spaces_case_and_script(raw, normal):
    assert names.normalise(raw) == normal


@pytest.mark.parametrize("romanised", [
    "ZHANG WEI", "Zhang Wei", "WEI ZHANG", "zhangwei", "ZHANG, Wei", "Zhāng Wěi", "zhang1 wei3", "ＺＨＡＮＧ ＷＥＩ",
])
def test_zhang_wei_matches_its_romanisations(romanised):
    assert names.similar("张伟", romanised) and names.similar(romanised, "张伟")


@pytest.mark.parametrize("a,b", [
    ("张伟", "張偉"),            # traditional
    ("张伟", "张 伟"),            # a stray space
    ("吕小明", "LYU XIAOMING"),   # ü as passports write it since 2012
    ("吕小明", "LV XIAO-MING"),
    ("欧阳娜娜", "OUYANG NANA"),  # a compound surname, first or last
    ("欧阳娜娜", "Nana Ouyang"),
    ("王小明", "Xiao Ming Wang"),
    ("单田芳", "SHAN TIANFANG"),  # a surname read differently from the word (单 dān / shàn)
    ("John Smith", "SMITH, JOHN"),
    ("WEI ZHANG", "ZHANGWEI"),
])
def test_possible_matches(a, b):
    assert names.similar(a, b)


@pytest.mark.parametrize("a,b", [
    ("张伟", "章伟"),   # a homophone is another name: characters must agree (documented choice)
    ("张伟", "张玮"),
    ("张伟", "LI WEI"),
    ("张伟", "ZHANG WEIWEI"),
    ("张伟", "张"),
    ("张伟", ""),
    ("王小明", "王晓明"),
    ("John Smith", "John Smyth"),
])
def test_non_matches(a, b):
    assert not names.similar(a, b)


def test_only_an_exact_hit_on_a_deny_entry_denies():
    deny = {"entry_id": "a", "action": "deny"}
    assert Hit(deny, "exact", "id").denies and Hit(deny, "exact", "plate").denies
    assert not Hit(deny, "possible", "name").denies
    assert not Hit({"entry_id": "b", "action": "alert"}, "exact", "id").denies
    ordered = sorted([Hit(deny, "possible", "name"), Hit({"entry_id": "b", "action": "alert"}, "exact", "plate"),
                      Hit(deny, "exact", "id")], key=Hit.rank)
    assert [(h.match, h.matched_on) for h in ordered] == [("exact", "id"), ("exact", "plate"), ("possible", "name")]
