"""Domain errors that the API turns into clear 4xx answers."""


class GatewatchError(Exception):
    """An error a client can act on: an HTTP status, a code, a message and field errors."""

    status = 400
    code = "bad_request"

    def __init__(self, message, *, fields=None, code=None, current=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.current = current  # {key: value} of the record's state, beside "error" (a 409)
        if code:
            self.code = code

    def to_dict(self, lang="en"):
        """Return the JSON error body of DESIGN §5, field messages in the caller's language."""
        fields = {k: (v.zh if lang == "zh" and isinstance(v, Text) else str(v))
                  for k, v in self.fields.items()}
        message = self.message.zh if lang == "zh" and isinstance(self.message, Text) else str(self.message)
        return {"error": {"code": self.code, "message": message, "fields": fields}, **(self.current or {})}


class Text(str):
    """A message for people: English, carrying its Chinese translation for zh callers."""

    def __new__(cls, english, zh):
        text = super().__new__(cls, english)
        text.zh = zh
        return text


class InvalidInput(GatewatchError):
    """The request's fields are wrong; `fields` says which and why."""

    status, code = 400, "invalid_input"


class Unauthorized(GatewatchError):
    """Not signed in, or the credentials are wrong."""

    status, code = 401, "unauthorized"


class Forbidden(GatewatchError):
    """Signed in, but the role does not allow it."""

    status, code = 403, "forbidden"


class NotFound(GatewatchError):
    """No such thing."""

    status, code = 404, "not_found"


class Conflict(GatewatchError):
    """The request conflicts with the current state (illegal transition, already done)."""

    status, code = 409, "conflict"


class Gone(GatewatchError):
    """The personal data asked for was purged."""

    status, code = 410, "gone"


class Busy(GatewatchError):
    """Too many concurrent writes to the same thing; retry with the same key."""

    status, code = 409, "busy"


SOME_FIELDS = Text("Some fields are not valid.", "有些字段无效。")
NOT_AN_OBJECT = Text("The body is not a JSON object.", "请求体不是 JSON 对象。")
EXPECTED_OBJECT = Text("expected a JSON object", "应为 JSON 对象")


def check(fields):
    """Raise InvalidInput when any field error was collected."""
    if fields:
        raise InvalidInput(SOME_FIELDS, fields=fields)
