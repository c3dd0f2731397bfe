"""Account request and answer models (the rules on names and passwords live in server/auth/users.py)."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.validation import RequestModel
from server.wire import Envelope

Role = Literal["guard", "operator", "commander", "admin", "display"]


class AccountRequest(RequestModel):
    """Account bodies keep their text exactly: a password's spaces are part of it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class LoginRequest(AccountRequest):
    """Sign in."""

    # No account has a longer name or password: a megabyte "username" stays out of the
    # throttle keys and a megabyte "password" out of the hash.
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class PublicUser(BaseModel):
    """What may be shown of a user."""

    username: str
    role: str
    display_name: str
    disabled: bool = False


class LoginAnswer(BaseModel):
    """The signed-in user and the CSRF token to send as X-CSRF-Token on writes."""

    user: PublicUser
    csrf_token: str


class MeAnswer(BaseModel):
    """The signed-in user; csrf_token is null for bearer-token callers (they need none)."""

    user: PublicUser
    csrf_token: str | None


class NewUserRequest(AccountRequest):
    """Create a user."""

    username: str = Field(max_length=128, description="2–32 lower-case letters, digits, '.', '_' or '-'")
    role: Role
    password: str = Field(max_length=1024, description="at least 8 characters, not a common password")
    display_name: str | None = Field(None, max_length=64)


class PasswordRequest(AccountRequest):
    """Set a user's password."""

    password: str = Field(max_length=1024)


class UsersAnswer(BaseModel):
    """Every user."""

    users: list[PublicUser]


class UserAnswer(BaseModel):
    """A user and the event that changed them."""

    user: PublicUser
    event: Envelope
