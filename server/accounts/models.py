"""Account request, answer and event data models (what names and passwords may be: rules.py)."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server import events as ev
from server.accounts.rules import DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME, USERNAME_RULE
from server.concept import EventData
from server.validation import RequestModel, rule
from server.wire import event_of

Role = Literal["guard", "operator", "commander", "admin", "display"]


class UserData(EventData):
    """An account event names the user it is about."""

    username: str = Field(description="the account concerned")


class CreatedData(UserData):
    """user.created."""

    role: str = Field(description="guard, operator, commander, admin or display")


class SignedOutData(UserData):
    """user.signed_out: one session ended (the tag is a hash, not the session id)."""

    session: str = Field(description="a hash of the session id")


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
    role: Role
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


def new_password():
    """Return the field of a password being set (its length from rules.py, the rest in users.py)."""
    return Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX,
                 description=f"{PASSWORD_MIN}–{PASSWORD_MAX} characters, not only spaces, not the "
                             "username, not a common password")


class NewUserRequest(AccountRequest):
    """Create a user."""

    username: str = Field(max_length=32, description=str(USERNAME_RULE),
                          json_schema_extra={"pattern": USERNAME.pattern})
    role: Role
    password: str = new_password()
    display_name: str | None = Field(None, max_length=DISPLAY_NAME_MAX,
                                     description="shown instead of the username; empty = the username")

    @field_validator("username")
    @classmethod
    def _username(cls, username):
        """Refuse a username the account rules refuse, saying what a username may hold."""
        if not USERNAME.match(username):
            raise rule("username_format", str(USERNAME_RULE), USERNAME_RULE.zh)
        return username


class PasswordRequest(AccountRequest):
    """Set a user's password."""

    password: str = new_password()


class UsersAnswer(BaseModel):
    """Every user."""

    users: list[PublicUser]


class NewUserAnswer(BaseModel):
    """The user created and the event recording it."""

    user: PublicUser
    event: event_of("UserCreatedEvent", CreatedData, ev.USER_CREATED)


class UserAnswer(BaseModel):
    """A user and the event that changed them."""

    user: PublicUser
    event: event_of("UserChangedEvent", UserData, ev.USER_DISABLED, ev.USER_ENABLED, ev.USER_PASSWORD_RESET)
