"""What a username, a password and a display name may be (the API models and the CLI alike),
and who may be sent a message or a task."""
import re

from server.errors import Text

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
USERNAME_RULE = Text("2–32 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
                     "2–32 个小写字母、数字、'.'、'_' 或 '-'，以字母或数字开头")
# NIST SP 800-63B §5.1.1: at least 8 characters, at least 64 allowed, no composition rules,
# refused when found in a list of commonly used or breached passwords (server/auth/users.py).
PASSWORD_MIN = 8
PASSWORD_MAX = 256
DISPLAY_NAME_MAX = 64


def cannot_answer(record):
    """Return why an account cannot be sent a message or a task (a Text), or None when it can.

    A display account only shows the wall: it never reads a message nor accepts a task, so
    addressing it would leave the sender waiting for an answer that cannot come.
    """
    if not record:
        return Text("unknown user", "未知的用户")
    if record.get("disabled") == "1":
        return Text("this account is disabled", "该账号已停用")
    if record.get("role") == "display":
        return Text("a display account cannot read or answer messages and tasks",
                    "大屏账号无法查看或回复消息和任务")
    return None
