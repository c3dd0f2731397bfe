"""Language choice and message catalogues for the HTML pages (zh-CN first, en second)."""
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from flask import g, request

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
_MESSAGES_DIR = Path(__file__).with_name("messages")


@lru_cache(maxsize=None)
def catalogue(lang):
    """Return the message catalogue (flat key -> text) for a supported language."""
    with open(_MESSAGES_DIR / f"{lang}.json", encoding="utf-8") as fh:
        return json.load(fh)


def normalise(tag):
    """Map a language tag such as 'zh', 'zh-Hans-CN' or 'en-GB' to a supported language, or None."""
    if not tag:
        return None
    tag = tag.strip().replace("_", "-").lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def from_accept_language(header):
    """Pick the best supported language from an Accept-Language header, or None."""
    choices = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = normalise(tag)
        if lang and quality > 0:
            choices.append((-quality, index, lang))
    return min(choices)[2] if choices else None


def select_language():
    """Return the request's language: ?lang=, else the lang cookie, else Accept-Language, else zh-CN."""
    if "gw_lang" in g:
        return g.gw_lang
    lang = (normalise(request.args.get("lang"))
            or normalise(request.cookies.get(COOKIE))
            or from_accept_language(request.headers.get("Accept-Language"))
            or DEFAULT_LANGUAGE)
    g.gw_lang = lang
    return lang


def translate(key, **params):
    """Return the text for key in the request's language (falls back to zh-CN, then the key)."""
    lang = select_language()
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, key)
    if params:
        for name, value in params.items():
            text = text.replace("{" + name + "}", str(value))
    return text


def localized(value, lang=None):
    """Return the entry of a {zh-CN, en} dict for the request's language; pass strings through."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    lang = lang or select_language()
    for key in (lang, DEFAULT_LANGUAGE, "en"):
        if value.get(key):
            return value[key]
    return next((v for v in value.values() if v), "")


def messages_json():
    """Return the request language's catalogue as JSON safe to embed in a <script> element."""
    data = catalogue(select_language())
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def remember_choice(response):
    """Store an explicit ?lang= choice in the lang cookie."""
    if b"lang=" not in request.query_string:  # most requests (every API call): no query to parse
        return response
    chosen = normalise(request.args.get("lang"))
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=False)
    return response


def lang_url(code):
    """Return the current page's URL with ?lang= set to code (other query arguments kept)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    query = "&".join(f"{quote(k)}={quote(v)}" for k, values in args.items() for v in values)
    return f"{request.path}?{query}"


def init_i18n(app):
    """Register the Jinja globals and the cookie hook on the app."""
    app.jinja_env.globals.update(_=translate, lang=select_language, languages=LANGUAGES,
                                 messages_json=messages_json, lang_url=lang_url)
    app.jinja_env.filters["loc"] = localized
    app.after_request(remember_choice)
