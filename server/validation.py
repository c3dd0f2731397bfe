"""Request validation with pydantic models, answered in words a person can act on.

Pydantic's own messages ("Input should be a valid string") are written for programmers;
here every error type maps to a short message in the caller's language (zh or en).
"""
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from server.errors import EXPECTED_OBJECT, NOT_AN_OBJECT, SOME_FIELDS, InvalidInput

# error type -> (English, Chinese); {placeholders} come from the error's context.
MESSAGES = {
    "missing": ("required", "必填"),
    "string_type": ("must be text", "应为文本"),
    "string_too_short": ("must not be empty", "不能为空"),
    "string_too_short_n": ("at least {min_length} characters", "至少 {min_length} 个字符"),
    "string_too_long": ("at most {max_length} characters", "最多 {max_length} 个字符"),
    "string_pattern_mismatch": ("has characters that are not allowed", "含有不允许的字符"),
    "int_type": ("must be a whole number", "应为整数"),
    "int_parsing": ("must be a whole number", "应为整数"),
    "int_from_float": ("must be a whole number", "应为整数"),
    "float_type": ("must be a number", "应为数字"),
    "float_parsing": ("must be a number", "应为数字"),
    "bool_type": ("must be true or false", "应为 true 或 false"),
    "bool_parsing": ("must be true or false", "应为 true 或 false"),
    "literal_error": ("must be one of: {expected}", "应为以下之一：{expected}"),
    "enum": ("must be one of: {expected}", "应为以下之一：{expected}"),
    "greater_than_equal": ("must be at least {ge}", "不能小于 {ge}"),
    "less_than_equal": ("must be at most {le}", "不能大于 {le}"),
    "greater_than": ("must be more than {gt}", "应大于 {gt}"),
    "less_than": ("must be less than {lt}", "应小于 {lt}"),
    "list_type": ("must be a list", "应为列表"),
    "too_short": ("needs at least {min_length} entries", "至少需要 {min_length} 项"),
    "too_long": ("at most {max_length} entries", "最多 {max_length} 项"),
    "dict_type": ("must be an object", "应为对象"),
    "model_type": ("must be an object", "应为对象"),
    "model_attributes_type": ("must be an object", "应为对象"),
    "extra_forbidden": ("is not a known field", "不是可识别的字段"),
    "datetime_type": ("must be an ISO 8601 time with a zone, e.g. 2026-05-01T09:30:00+08:00",
                      "应为带时区的 ISO 8601 时间，如 2026-05-01T09:30:00+08:00"),
    "datetime_parsing": ("must be an ISO 8601 time with a zone, e.g. 2026-05-01T09:30:00+08:00",
                         "应为带时区的 ISO 8601 时间，如 2026-05-01T09:30:00+08:00"),
    "datetime_from_date_parsing": ("must be an ISO 8601 time with a zone", "应为带时区的 ISO 8601 时间"),
    "timezone_aware": ("needs a time zone (e.g. Z or +08:00)", "需要时区（如 Z 或 +08:00）"),
    "date_parsing": ("must be a date like 2026-05-01", "应为日期，如 2026-05-01"),
    "date_from_datetime_parsing": ("must be a date like 2026-05-01", "应为日期，如 2026-05-01"),
    "date_type": ("must be a date like 2026-05-01", "应为日期，如 2026-05-01"),
}
FALLBACK = ("is not valid", "无效")


class RequestModel(BaseModel):
    """Base of request bodies and queries: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _iso_text(value):
    """Accept a time only as ISO 8601 text (pydantic alone would read a number as Unix time)."""
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_type", "must be an ISO 8601 time")
    return value


IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
"""An ISO 8601 time with a zone, sent as text."""


def rule(code, english, chinese, **context):
    """Return a validation error for a model's own rule, with both languages' messages."""
    MESSAGES.setdefault(code, (english, chinese))
    return PydanticCustomError(code, english, context)


def refuse(code, text):
    """Return a validation error carrying a Text's two languages (e.g. a document check's reason)."""
    return rule(code, str(text), text.zh)


def message(error, lang):
    """Return one pydantic error as a short message in the caller's language."""
    context = dict(error.get("ctx") or {})
    kind = error["type"]
    if kind == "string_too_short" and context.get("min_length", 1) > 1:
        kind = "string_too_short_n"
    english, chinese = MESSAGES.get(kind, FALLBACK)
    template = chinese if lang == "zh" else english
    if "expected" in context:
        context["expected"] = str(context["expected"]).replace("'", "")
        if lang == "zh":
            context["expected"] = context["expected"].replace(" or ", ", ")
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return template


def field_name(loc, prefix=""):
    """Return a dotted field path (results.0.ok) from a pydantic location."""
    parts = [str(p) for p in loc if p != "__root__"]
    return prefix + ".".join(parts) if parts else (prefix.rstrip(".") or "body")


def field_errors(exc, lang, prefix=""):
    """Return {field: message} for a ValidationError (the first message per field)."""
    fields = {}
    for error in exc.errors(include_url=False):
        fields.setdefault(field_name(error["loc"], prefix), message(error, lang))
    return fields


def parse(model, data, *, lang="en", what="body"):
    """Return data validated as model, or raise a 400 InvalidInput naming every bad field.

    `lang` is 'zh', 'en' or a function giving one, called only when there is an error to word.
    """
    if not isinstance(data, dict):
        raise InvalidInput(NOT_AN_OBJECT, fields={what: EXPECTED_OBJECT})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lang = lang() if callable(lang) else lang
        raise InvalidInput(SOME_FIELDS, fields=field_errors(exc, lang)) from None
