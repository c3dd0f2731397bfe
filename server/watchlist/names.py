"""Names as the watchlist compares them (pure: no I/O).

A name is compared in one width, one case, simplified characters (OpenCC t2s), single spaces.
A Chinese name and a romanised one (a passport's "ZHANG WEI", "Wei Zhang", "Zhāng Wěi") are
bridged by pinyin (pypinyin, every reading of each character, surname first or last). Two
Chinese names match only when their characters do: homophones (张伟 / 章伟) are different
names, and matching them would flag most common names. Every name match is only *possible*.
"""
import functools
import itertools
import re
import unicodedata

from opencc import OpenCC

from server.identity.idcheck import COMPOUND_SURNAMES

HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f·]+$")
# Separators inside a name: spaces, the middle dots of minority and foreign names, commas.
SEPARATORS = re.compile(r"[\s·•・.,，、\-‐_/]+")
MAX_READINGS = 64  # pinyin spellings tried per name (heteronyms multiply)
# Spellings of ü: pypinyin writes "lv", passports since 2012 "LYU", older ones "LU"/"LV".
U_UMLAUT = ((re.compile(r"(?<=[ln])(yu|v|ü)"), "u"),)


@functools.lru_cache(maxsize=1)
def _t2s():
    """Return the traditional → simplified converter (loaded once per process, read-only)."""
    return OpenCC("t2s")


def normalise(name):
    """Return a name in half width, simplified characters, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _t2s().convert(text).casefold()
    text = SEPARATORS.sub(" ", text).strip()
    return text.replace(" ", "") if is_han(text) else text


def is_han(text):
    """Tell whether a (normalised) name is written in Chinese characters only."""
    return bool(HAN.match(text.replace(" ", "")))


def _plain_latin(text):
    """Return romanised text without tone marks, tone digits or ü: 'Zhāng Wěi3' → 'zhang wei'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ü", "v").replace("Ü", "V"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = re.sub(r"\d", "", bare)
    for pattern, plain in U_UMLAUT:
        bare = pattern.sub(plain, bare)
    return bare


def latin_tokens(name):
    """Return the letter groups of a romanised name, tones and ü spelled plainly."""
    return tuple(re.findall(r"[a-z]+", _plain_latin(normalise(name))))


def _joined_orders(tokens):
    """Return the name's letters joined in every rotation of its parts (surname first or last)."""
    return {"".join(tokens[i:] + tokens[:i]) for i in range(len(tokens))} if tokens else set()


def warm():
    """Load pypinyin's dictionaries now (serve does so off the loop once it is serving)."""
    _readings("张")


def _readings(chars):
    """Return the pinyin spellings of some characters (every reading of each, bounded)."""
    # Imported on first use: loading pypinyin's dictionaries takes ~0.4 s, a third of start-up,
    # and only a Chinese name compared with a romanised one needs them.
    from pypinyin import Style, pinyin

    options = [[_plain_latin(p) for p in readings]
               for readings in pinyin(chars, style=Style.NORMAL, heteronym=True, errors="ignore")]
    spellings = ("".join(combo) for combo in itertools.product(*options))
    return set(itertools.islice(spellings, MAX_READINGS))


def pinyin_forms(han):
    """Return how a Chinese name may be romanised: surname first ("zhangwei") or last ("weizhang")."""
    chars = han.replace("·", "").replace(" ", "")
    if len(chars) < 2:
        return _readings(chars)
    split = 2 if chars[:2] in COMPOUND_SURNAMES and len(chars) > 2 else 1
    surnames, givens = _readings(chars[:split]), _readings(chars[split:])
    return {a + b for s in surnames for g in givens for a, b in ((s, g), (g, s))}


def similar(a, b):
    """Tell whether two names may be the same person's (never proof: a *possible* match)."""
    left, right = normalise(a), normalise(b)
    if not left or not right:
        return False
    if left.replace(" ", "") == right.replace(" ", ""):
        return True
    left_han, right_han = is_han(left), is_han(right)
    if left_han and right_han:
        return False  # characters differ: homophones are different names
    if left_han or right_han:
        han, latin = (left, right) if left_han else (right, left)
        return bool(_joined_orders(list(latin_tokens(latin))) & pinyin_forms(han))
    one, other = latin_tokens(left), latin_tokens(right)
    return sorted(one) == sorted(other) or bool(_joined_orders(list(one)) & _joined_orders(list(other)))
