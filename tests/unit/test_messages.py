"""The zh-CN and en catalogues have the same keys, and every key the pages use exists."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "server" / "web" / "messages"
USES = (
    (ROOT / "templates", "*.html", re.compile(r"""_\(\s*['"]([\w.]+)['"]""")),
    (ROOT / "static" / "js", "*.js", re.compile(r"""\bt(?:Or)?\(\s*["']([\w.]+)["']""")),
)


def _catalogue(lang):
    """Load one catalogue."""
    return json.loads((MESSAGES / f"{lang}.json").read_text(encoding="utf-8"))


def test_catalogues_have_the_same_keys_and_no_empty_text():
    zh, en = _catalogue("zh-CN"), _catalogue("en")
    assert sorted(zh) == sorted(en)
    assert not [k for k, v in {**zh, **en}.items() if not v.strip()]


def test_every_key_used_by_templates_and_scripts_exists():
    known = set(_catalogue("zh-CN"))
    used = {}
    for folder, pattern, regex in USES:
        for path in folder.rglob(pattern):
            for key in regex.findall(path.read_text(encoding="utf-8")):
                used.setdefault(key, path.name)
    missing = {k: where for k, where in used.items() if k not in known and not k.endswith(".")}
    assert not missing
    assert len(used) > 50


def test_placeholders_match_between_languages():
    zh, en = _catalogue("zh-CN"), _catalogue("en")
    names = re.compile(r"\{(\w+)\}")
    differ = [k for k in zh if sorted(names.findall(zh[k])) != sorted(names.findall(en[k]))]
    assert not differ


def test_language_is_chosen_by_query_then_cookie_then_accept_language():
    from flask import Flask

    from server.web import i18n
    app = Flask(__name__)
    cases = [
        ({}, {}, "zh-CN"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, {}, "en"),
        ({"Accept-Language": "fr, en;q=0.5, zh-TW;q=0.8"}, {}, "zh-CN"),
        ({"Accept-Language": "en", "Cookie": "lang=zh-CN"}, {}, "zh-CN"),
        ({"Accept-Language": "zh", "Cookie": "lang=en"}, {"lang": "zh-CN"}, "zh-CN"),
        ({"Cookie": "lang=klingon"}, {"lang": "xx"}, "zh-CN"),
    ]
    for headers, args, expected in cases:
        with app.test_request_context("/", headers=headers, query_string=args):
            assert i18n.select_language() == expected, (headers, args)
    with app.test_request_context("/control", query_string={"lang": "en", "x": "1"}):
        assert i18n.translate("guard.saved", checkpoint="E3", time="14:03") == "Saved ✓ E3 14:03"
        assert i18n.localized({"zh-CN": "南门", "en": "South gate"}) == "South gate"
        assert i18n.lang_url("zh-CN") == "/control?lang=zh-CN&x=1"


def test_a_language_chosen_in_the_address_is_remembered_and_nothing_else_sets_the_cookie(client):
    chosen = client.get("/login?next=%2Fcontrol&lang=en")
    assert "lang=en" in chosen.headers.get("Set-Cookie", "")
    for path in ("/login?next=%2Fcontrol", "/login?slang=zh-CN", "/healthz"):
        assert "lang=" not in client.get(path).headers.get("Set-Cookie", ""), path


def test_every_registered_event_type_has_a_label_in_both_catalogues():
    # The timeline's type filter lists every registered type by its `event.<type>` label.
    from server.concepts import registry
    types = list(registry().types)
    assert "visitor.purged" in types and len(types) > 40
    for lang in ("zh-CN", "en"):
        catalogue = _catalogue(lang)
        assert [t for t in types if not catalogue.get(f"event.{t}", "").strip()] == [], lang
