"""What a username, a password and a display name may be (the API models and the CLI alike)."""
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
